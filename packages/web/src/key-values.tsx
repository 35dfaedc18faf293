const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A titled name → value table. */
export function KeyValues({ title, values }: { title: string; values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  return (
    <div class="card">
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <small>none</small>
      ) : (
        <table class="kv">
          <tbody>
            {entries.map(([name, value]) => (
              <tr key={name}>
                <td>{name}</td>
                <td class="mono">{shown(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

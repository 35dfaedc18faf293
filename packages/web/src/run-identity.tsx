import type { RunPushedBy, RunRecordedBy, RunView } from '@dotscience/core';

/** What the hub's run detail adds to a run view (docs/decisions.md D123). */
export interface RunIdentityFields {
  recordedBy?: RunRecordedBy;
  pushedBy?: RunPushedBy | null;
}

/** Who recorded the run (its workstation's word) and which token the hub accepted it from (the hub's signed receipt). */
export function RunIdentity({ run }: { run: RunView & RunIdentityFields }) {
  const { recordedBy, pushedBy } = run;
  if (!recordedBy) return null;
  return (
    <div class="card run-identity">
      <h3>Identity</h3>
      <table class="kv">
        <tbody>
          <tr>
            <td>recorded by</td>
            <td class="mono recorded-by">{recordedBy.user}</td>
          </tr>
          <tr>
            <td>code author</td>
            <td class="mono code-author">{recordedBy.gitAuthor ?? 'not recorded'}</td>
          </tr>
          <tr>
            <td>pushed by</td>
            <td class="mono pushed-by">
              {pushedBy
                ? `token ${pushedBy.name ?? pushedBy.tokenId} (${pushedBy.tokenId}) at ${pushedBy.at.replace('T', ' ').slice(0, 19)}`
                : 'not pushed to this hub'}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

// Compare two bench result files figure by figure: `node bench/compare-results.mjs <old> [new] [--json]`.
// <old> and [new] are results.json files or git revisions (their committed bench/results.json);
// [new] defaults to the working tree's bench/results.json. Figures are matched by key, else by
// bench and name. "change" is new over old for rates and old over new for times and sizes, so
// below 1 is always worse; a figure more than 10% worse is marked, and the limits and peers
// measured in the same runs are listed beside, to tell a slower machine from slower code.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const REGRESSION = 0.9;

function load(source) {
  const text = existsSync(source) ? readFileSync(source, 'utf8') : execFileSync('git', ['show', `${source}:bench/results.json`], { encoding: 'utf8' });
  return JSON.parse(text);
}

/** Rates are better higher; times, latencies, memory and CPU per request are better lower. */
function higherIsBetter(unit) {
  return /\/s$|ratio|×/.test(unit);
}

const identity = (m) => m.key ?? `${m.bench} :: ${m.name}`;
const isReference = (m) => /^(limit|peer)\b|sha256sum|git annex|datalad|sqlite|bare /i.test(m.name);

export function compareResults(older, newer) {
  const before = new Map(older.measurements.map((m) => [identity(m), m]));
  const rows = [];
  for (const m of newer.measurements) {
    const old = before.get(identity(m));
    if (!old || old.unit !== m.unit || !(old.median > 0) || !(m.median > 0)) continue;
    const change = higherIsBetter(m.unit) ? m.median / old.median : old.median / m.median;
    rows.push({ id: identity(m), name: m.name, unit: m.unit, old: old.median, new: m.median, change, reference: isReference(m), worse: change < REGRESSION });
  }
  return rows;
}

const main = () => {
  const args = process.argv.slice(2).filter((a) => a !== '--json');
  if (args.length < 1) {
    console.error('usage: node bench/compare-results.mjs <old results.json | git rev> [new results.json | git rev] [--json]');
    process.exit(2);
  }
  const older = load(args[0]);
  const newer = load(args[1] ?? 'bench/results.json');
  const rows = compareResults(older, newer);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ old: older.run, new: newer.run, rows }, null, 1));
    return;
  }
  console.log(`old: ${older.run.date} (load ${older.run.loadStart?.join(' ')}); new: ${newer.run.date} (load ${newer.run.loadStart?.join(' ')})`);
  const format = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
  for (const group of [false, true]) {
    console.log(group ? '\nlimits and peers (the machine):' : 'ours:');
    for (const r of rows.filter((row) => row.reference === group))
      console.log(`${r.worse ? '!' : ' '} ${r.change.toFixed(2)}×  ${format(r.old)} → ${format(r.new)} ${r.unit}  ${r.name}`);
  }
  const worse = rows.filter((r) => r.worse && !r.reference);
  console.log(`\n${worse.length} of ${rows.filter((r) => !r.reference).length} figures of ours more than ${Math.round((1 - REGRESSION) * 100)}% worse`);
};

if (import.meta.url === `file://${process.argv[1]}`) main();

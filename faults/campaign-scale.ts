/** How big the campaign is: `pnpm test:faults` runs the reduced scale (CI), `pnpm test:faults --full` the published one. */
export const FULL_SCALE = process.env.DOTSCIENCE_FAULTS_SCALE === 'full';

export const SCALE = FULL_SCALE
  ? { name: 'full', appendKills: 500, runKills: 500, processes: 8, appendsPerProcess: 10_000, contestRounds: 200, fuzzRuns: 10_000 }
  : { name: 'reduced', appendKills: 40, runKills: 30, processes: 8, appendsPerProcess: 500, contestRounds: 20, fuzzRuns: 300 };

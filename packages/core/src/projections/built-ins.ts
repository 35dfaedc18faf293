import { datasetsProjection } from './datasets.js';
import { metricSeriesProjection } from './metric-series.js';
import { modelsProjection } from './models.js';
import { provenanceProjection } from './provenance/provenance-projection.js';
import { runsProjection } from './runs.js';

/** Every projection dotscience maintains, by name. */
export const builtInProjections = {
  runs: runsProjection,
  datasets: datasetsProjection,
  models: modelsProjection,
  provenance: provenanceProjection,
  metricSeries: metricSeriesProjection,
} as const;

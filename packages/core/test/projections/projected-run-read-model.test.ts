import { ProjectedRunReadModel } from '../../src/projections/projected-run-read-model.js';
import { runReadModelContract } from '../../src/testing/run-read-model-contract.js';

runReadModelContract('ProjectedRunReadModel', async (events) => {
  const model = new ProjectedRunReadModel(events);
  return { model, cleanup: () => model.close() };
});

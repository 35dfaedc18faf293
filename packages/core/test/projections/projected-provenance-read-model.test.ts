import { ProjectedProvenanceReadModel } from '../../src/projections/provenance/projected-provenance-read-model.js';
import { provenanceReadModelContract } from '../../src/testing/provenance-read-model-contract.js';

provenanceReadModelContract('ProjectedProvenanceReadModel', async (events) => {
  const model = new ProjectedProvenanceReadModel(events);
  return { model, cleanup: () => model.close() };
});

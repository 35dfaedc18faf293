/** @dotscience/core/testing: the port contract suites every adapter runs, in-memory doubles and given/when/then helpers. */
export { InMemoryEventStore } from './in-memory-event-store.js';
export { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
export { given, type Given, scenario, TEST_RUN_ID, type Then } from './given-when-then.js';
export { type DataTree, type DataTreeDescription, type DataTreeEntry, DataWorkspace, describeDataTree } from './data-workspace.js';
export { dataStoreContract, type DataStoreFixture } from './data-store-contract.js';
export { eventStoreContract, type EventStoreFixture } from './event-store-contract.js';
export {
  clockContract,
  codeInspectorContract,
  environmentContract,
  type GitRunner,
  idGeneratorContract,
  type IdGeneratorContractOptions,
} from './workstation-contracts.js';
export { parsedShape } from './parsed-shape.js';
export { treeSourceContract, type TreeSourceFixture } from './tree-source-contract.js';
export { objectStorageContract, type ObjectStorageFixture } from './object-storage-contract.js';
export { dataMaintenanceContract, type DataMaintenanceFixture } from './data-maintenance-contract.js';
export { provenanceReadModelContract, type ProvenanceReadModelFixture } from './provenance-read-model-contract.js';
export { runReadModelContract, type RunReadModelFixture } from './run-read-model-contract.js';
export { receiptLedgerContract, receiptSignerContract } from './receipt-contracts.js';

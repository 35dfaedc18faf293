export * from './wire/wire-schemas.js';
export * from './wire/hub-routes.js';
export * from './tokens/token-registry.js';
export * from './server/project-stores.js';
export * from './server/hub-server.js';
export { openApiDocument } from './server/openapi.js';
export { HubRefusal } from './server/http-errors.js';
export * from './client/hub-connection.js';
export * from './client/http-event-store.js';

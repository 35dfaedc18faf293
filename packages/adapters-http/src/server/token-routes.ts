import type { FastifyInstance } from 'fastify';
import { parseInput } from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-context.js';

/** Token management of a project by its admins (the hub's operator uses ds token on the hub's machine). */
export function registerTokenRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.tokens, async (request) => {
    const { params } = await context.enter(request, wire.ProjectParamsSchema, 'admin');
    return { tokens: context.tokens.list(params.project) };
  });

  app.post(hubRoutes.tokens, async (request, reply) => {
    const { params } = await context.enter(request, wire.ProjectParamsSchema, 'admin');
    const body = parseInput(wire.CreateTokenBodySchema, request.body, 'token body');
    return reply.status(201).send(await context.tokens.create(params.project, body.role, body.label));
  });

  app.delete(hubRoutes.token, async (request) => {
    const { params } = await context.enter(request, wire.TokenParamsSchema, 'admin');
    return context.tokens.revoke(params.tokenId, params.project);
  });
}

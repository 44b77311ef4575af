// /audit-destinations: audit streaming destinations as configuration, through the same lib/audit/sinks
// functions, validation and audit events as Settings → Audit streaming and `gatehouse audit destination`.
// Secrets are write-only: no response carries one.
import { z } from 'zod';
import { createSinkInput, updateSinkInput } from '@/lib/audit/sink-inputs';
import { createSink, deleteSink, getSinkStatus, listSinks, sinkView, testSink, updateSink } from '@/lib/audit/sinks';
import { idParam, operation, type ApiCtx } from '../operation';
import { auditDestinationDto, auditDestinationTestDto, empty } from '../schemas';
import { found, requireRead } from './helpers';

const settings = { kind: 'org', area: 'settings' } as const;
const destinationParams = idParam('destinationId');
const TAG = 'Audit destinations';

const destinationOr404 = async (ctx: ApiCtx, id: string) => sinkView(found(await getSinkStatus(ctx.orgId, id), 'destination'));

export const listAuditDestinationsOp = operation({
  id: 'listAuditDestinations',
  method: 'GET',
  path: '/audit-destinations',
  tag: TAG,
  summary: 'List audit streaming destinations, newest first (never their secrets)',
  scope: 'audit-destinations:read',
  response: z.object({ data: z.array(auditDestinationDto) }),
  async handler(ctx) {
    await requireRead(ctx, 'manage', settings);
    return { data: (await listSinks(ctx.orgId)).map(sinkView) };
  },
});

export const createAuditDestinationOp = operation({
  id: 'createAuditDestination',
  method: 'POST',
  path: '/audit-destinations',
  tag: TAG,
  summary: 'Add a destination (Datadog Logs, Splunk HEC, or an HMAC-signed webhook); delivery starts within seconds',
  scope: 'audit-destinations:write',
  status: 201,
  body: createSinkInput,
  response: auditDestinationDto,
  async handler(ctx, { body }) {
    const { id } = await ctx.mutate((m) => createSink(m, body));
    return destinationOr404(ctx, id);
  },
});

export const getAuditDestinationOp = operation({
  id: 'getAuditDestination',
  method: 'GET',
  path: '/audit-destinations/{destinationId}',
  tag: TAG,
  summary: 'Get a destination and its delivery state (never its secret)',
  scope: 'audit-destinations:read',
  params: destinationParams,
  response: auditDestinationDto,
  async handler(ctx, { params }) {
    await requireRead(ctx, 'manage', settings);
    return destinationOr404(ctx, params.destinationId);
  },
});

export const updateAuditDestinationOp = operation({
  id: 'updateAuditDestination',
  method: 'PATCH',
  path: '/audit-destinations/{destinationId}',
  tag: TAG,
  summary: 'Change a destination’s settings or secret, or pause or resume it (fields left out are kept; its kind is fixed)',
  scope: 'audit-destinations:write',
  params: destinationParams,
  body: updateSinkInput.omit({ sinkId: true }),
  response: auditDestinationDto,
  async handler(ctx, { params, body }) {
    await ctx.mutate((m) => updateSink(m, { ...body, sinkId: params.destinationId }));
    return destinationOr404(ctx, params.destinationId);
  },
});

export const deleteAuditDestinationOp = operation({
  id: 'deleteAuditDestination',
  method: 'DELETE',
  path: '/audit-destinations/{destinationId}',
  tag: TAG,
  summary: 'Delete a destination; events it has not received are not sent there',
  scope: 'audit-destinations:write',
  status: 204,
  params: destinationParams,
  response: empty,
  async handler(ctx, { params }) {
    await ctx.mutate((m) => deleteSink(m, { sinkId: params.destinationId }));
    return null;
  },
});

export const testAuditDestinationOp = operation({
  id: 'testAuditDestination',
  method: 'POST',
  path: '/audit-destinations/{destinationId}/test',
  tag: TAG,
  summary:
    'Send a test event (not part of the audit log) and report the destination’s answer; a refusal is ok: false with its status and what it said',
  scope: 'audit-destinations:write',
  params: destinationParams,
  response: auditDestinationTestDto,
  handler: (ctx, { params }) => ctx.mutate((m) => testSink(m, { sinkId: params.destinationId })),
});

'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createSinkInput, updateSinkInput } from '@/lib/audit/sink-inputs';
import { createSink, deleteSink, setSinkPaused, testSink, updateSink } from '@/lib/audit/sinks';
import { defineAction } from '@/lib/server/action';

const sinkId = z.uuid('Unknown destination.');
const PATH = '/settings/audit-streaming';

/** The form's datetime-local has no zone: it is read as UTC, as the page says. */
const createSinkForm = z.preprocess((raw) => {
  const form = { ...((raw ?? {}) as Record<string, unknown>) };
  if (typeof form.backfillFrom === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(form.backfillFrom))
    form.backfillFrom = `${form.backfillFrom}:00Z`;
  return form;
}, createSinkInput);

export const createSinkAction = defineAction(createSinkForm, async (ctx, input) => {
  const sink = await createSink(ctx, input);
  revalidatePath(PATH);
  return sink;
});

export const updateSinkAction = defineAction(updateSinkInput, async (ctx, input) => {
  const result = await updateSink(ctx, input);
  revalidatePath(PATH);
  return result;
});

export const setSinkPausedAction = defineAction(
  z.object({ sinkId, paused: z.enum(['true', 'false']).transform((v) => v === 'true') }),
  async (ctx, input) => {
    await setSinkPaused(ctx, input);
    revalidatePath(PATH);
  },
);

export const deleteSinkAction = defineAction(z.object({ sinkId }), async (ctx, input) => {
  await deleteSink(ctx, input);
  revalidatePath(PATH);
});

export const testSinkAction = defineAction(z.object({ sinkId }), async (ctx, input) => {
  const result = await testSink(ctx, input);
  revalidatePath(PATH);
  return result;
});

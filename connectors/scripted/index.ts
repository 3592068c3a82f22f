// The `scripted` connector kind: a test double configurable from a config file (fixed answers,
// delays, failures, hangs), registered like any other kind so tests can run the whole server on it.
import { z } from 'zod';
import type { ConnectorFactory } from '../contract/registry-types.js';
import { baseSourceSchema } from '../contract/source-config.js';
import { ScriptedConnector } from './scripted-connector.js';

export { ScriptedConnector } from './scripted-connector.js';
export type { ScriptedBehaviour, ScriptedCall, ScriptedDocument, ScriptedOptions } from './scripted-connector.js';

const scriptedDocumentSchema = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    text: z.string().optional(),
    snippet: z.string().optional(),
    url: z.string().nullable().optional(),
    updated_at: z.iso.datetime({ offset: true }).nullable().optional(),
    content_hash: z.string().nullable().optional(),
    score: z.number().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const scriptedSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('scripted'),
    ranking: z.enum(['fixed', 'match']).default('fixed'),
    documents: z.array(scriptedDocumentSchema).default([]),
    delay_ms: z.number().int().min(0).default(0),
    hang: z.boolean().default(false),
    ignore_abort: z.boolean().default(false),
    fail_message: z.string().min(1).optional(),
    fail_expose: z.boolean().default(true),
    healthy: z.boolean().default(true),
    document_count: z.number().int().min(0).nullable().optional(),
  })
  .strict();

export type ScriptedSourceConfig = z.infer<typeof scriptedSourceSchema>;

export const scriptedConnectorFactory: ConnectorFactory<ScriptedSourceConfig> = {
  kind: 'scripted',
  configSchema: scriptedSourceSchema,
  create(config) {
    return new ScriptedConnector({
      name: config.name,
      ...(config.description === undefined ? {} : { description: config.description }),
      ranking: config.ranking,
      documents: config.documents.map((doc) => ({
        id: doc.id,
        title: doc.title,
        ...(doc.text === undefined ? {} : { text: doc.text }),
        ...(doc.snippet === undefined ? {} : { snippet: doc.snippet }),
        url: doc.url ?? null,
        updatedAt: doc.updated_at ?? null,
        contentHash: doc.content_hash ?? null,
        ...(doc.score === undefined ? {} : { score: doc.score }),
        metadata: doc.metadata ?? {},
      })),
      behaviour: {
        delayMs: config.delay_ms,
        hang: config.hang,
        ignoreAbort: config.ignore_abort,
        fail: config.fail_message ? { message: config.fail_message, expose: config.fail_expose } : null,
      },
      healthy: config.healthy,
      ...(config.document_count === undefined ? {} : { documentCount: config.document_count }),
    });
  },
};

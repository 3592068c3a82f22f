// Config of one `kind: "mediawiki"` source: the zod schema and the resolution of its bot password.
import { z } from 'zod';
import { baseSourceSchema, resolveSecret } from '../contract/source-config.js';
import { KnowledgeError } from '../contract/errors.js';
import { wikiAclRuleSchema } from './acl.js';

const apiUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), "an http(s) URL of the wiki's api.php")
  .refine((value) => new URL(value).pathname.endsWith('.php'), 'the URL of api.php, e.g. https://wiki.example.com/w/api.php');

export const mediawikiSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('mediawiki'),
    /** The Action API endpoint, e.g. `https://wiki.example.com/w/api.php`. */
    url: apiUrl,
    /** Bot password login (`User@appid` from Special:BotPasswords); anonymous when absent. */
    username: z.string().min(1).max(255).optional(),
    password: z.string().optional(),
    password_env: z.string().min(1).optional(),
    /** Namespace numbers searched (default: main namespace only). */
    namespaces: z.array(z.number().int().min(0).max(100_000)).min(1).max(50).default([0]),
    // A wiki is somebody else's server: fewer calls in flight than the base default.
    max_concurrency: z.number().int().min(1).max(64).default(4),
    /** Sent as `maxlag`: the wiki refuses work while its replicas lag more than this (seconds). */
    maxlag: z.number().int().min(1).max(60).default(5),
    /** API calls one search may make (search probes plus the batched text fetch). */
    max_search_calls: z.number().int().min(2).max(12).default(6),
    /** Pages whose text is fetched and re-ranked per search (one batched call); at least twice the hits asked for. */
    rerank_candidates: z.number().int().min(10).max(500).default(50),
    /** `auto` asks the wiki whether CirrusSearch is installed; `database` is core's search. */
    search_backend: z.enum(['auto', 'database', 'cirrus']).default('auto'),
    /**
     * Document permissions (core MediaWiki has none per page): namespaces and categories mapped
     * to the principals who may read them, e.g. `{"namespace": 100, "principals": ["group:hr"]}`.
     */
    acl: z.array(wikiAclRuleSchema).max(200).default([]),
  })
  .refine((config) => config.acl.filter((rule) => 'category' in rule).length <= 50, {
    message: 'at most 50 category rules (the wiki checks at most 50 categories per call)',
    path: ['acl'],
  })
  .strict()
  .refine((config) => config.username === undefined || config.password !== undefined || config.password_env !== undefined, {
    message: 'username needs password or password_env (a bot password from Special:BotPasswords)',
    path: ['password'],
  });

export type MediaWikiSourceConfig = z.infer<typeof mediawikiSourceSchema>;

export interface MediaWikiCredentials {
  username: string;
  password: string;
}

/** The bot-password login, or null for anonymous access. */
export function resolveCredentials(config: MediaWikiSourceConfig, env: Record<string, string | undefined>): MediaWikiCredentials | null {
  if (config.username === undefined) return null;
  const password = resolveSecret(config.password, config.password_env, env);
  if (password === undefined || password === '') {
    throw new KnowledgeError('CONFIG_INVALID', `sources.${config.name}.password_env: environment variable ${config.password_env ?? ''} is not set`);
  }
  return { username: config.username, password };
}

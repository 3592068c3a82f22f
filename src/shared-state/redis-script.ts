// Registers a Lua script on an ioredis client (EVALSHA with automatic EVAL fallback) and
// returns a typed caller, so scripts need no casts where they are used.
import type { Redis } from 'ioredis';

type ScriptCaller = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

export function defineScript(client: Redis, name: string, lua: string, numberOfKeys: number): ScriptCaller {
  client.defineCommand(name, { numberOfKeys, lua });
  const command = (client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[name];
  if (command === undefined) throw new Error(`ioredis did not register script ${name}`);
  return (keys, args) => command.call(client, ...keys, ...args);
}

// `knowledge-mcp ingest --source NAME PATH|-` (being completed with the Postgres ingest pipeline).
export async function runIngestCommand(_options: { configPath?: string | undefined; source: string; input: string; skipInvalid: boolean }): Promise<number> {
  process.stderr.write('ingest is not available in this build yet\n');
  return 1;
}

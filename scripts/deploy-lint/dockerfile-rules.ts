// Lints the Dockerfile: dockerfile-utils' validator (syntax, flags, casing) plus this project's image
// rules (multi-stage, production deps only, non-root, healthcheck, exec-form node CMD, files present).
import { validate } from 'dockerfile-utils';
import { readImageFacts, type DockerStage } from './dockerfile-facts.js';
import { isDockerIgnored } from './dockerignore.js';
import type { RepoView } from './repo-view.js';

const SHELLS_AND_WRAPPERS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'sh', 'bash', '/bin/sh', '/bin/bash']);

function hasPinnedTag(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSegment = image.split('/').at(-1) ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').at(-1) : undefined;
  return tag !== undefined && tag !== '' && tag !== 'latest' && !tag.includes('$');
}

function runs(stage: DockerStage, pattern: RegExp): boolean {
  return stage.instructions.some((instruction) => instruction.keyword === 'RUN' && pattern.test(instruction.content));
}

/** Every problem as `Dockerfile:LINE: message`; an empty list means the Dockerfile passes. */
export function lintDockerfile(text: string, repo: RepoView, file = 'Dockerfile'): string[] {
  const problems: string[] = [];
  const at = (line: number, message: string) => problems.push(`${file}:${line}: ${message}`);

  for (const diagnostic of validate(text)) {
    const message = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
    at(diagnostic.range.start.line + 1, `${message} (dockerfile-utils)`);
  }

  const facts = readImageFacts(text);
  const final = facts.final;
  if (!final) {
    at(1, 'no FROM instruction');
    return problems;
  }
  if (facts.stages.length < 2) at(final.line, 'use a multi-stage build: compile in one stage, run in a slim one');
  for (const stage of facts.stages) {
    const isStageRef = facts.stages.some((other) => other.name !== null && other.name === stage.image);
    if (!isStageRef && !hasPinnedTag(stage.image)) at(stage.line, `pin the base image "${stage.image}" to a version tag`);
  }
  if (!/^(docker\.io\/(library\/)?)?node:20(\.|-|$)/.test(final.image)) {
    at(final.line, `the runtime stage should run Node 20 (node:20…), found "${final.image}"`);
  }

  if (!facts.user || /^(root|0)(:|$)/.test(facts.user)) at(final.line, 'the runtime stage must switch to a non-root USER');

  if (!facts.cmdLine) {
    at(final.line, 'the runtime stage needs a CMD');
  } else if (!facts.cmd) {
    at(facts.cmdLine.line, 'CMD must use the exec (JSON) form so SIGTERM reaches the process');
  } else if (SHELLS_AND_WRAPPERS.has(facts.cmd[0] ?? '')) {
    at(facts.cmdLine.line, `CMD must start node directly, not "${facts.cmd[0]}" (it would not forward SIGTERM)`);
  }
  if (facts.entrypoint) at(facts.entrypoint.line, 'no ENTRYPOINT: the CMD is what the platform runs and signals');
  if (facts.stopSignal && facts.stopSignal !== 'SIGTERM') at(final.line, `STOPSIGNAL should be SIGTERM, found ${facts.stopSignal}`);

  if (!facts.healthcheck || facts.healthcheck.none) {
    at(final.line, 'the runtime stage needs a HEALTHCHECK on /healthz');
  } else if (!facts.healthcheck.exec) {
    at(facts.healthcheck.instruction.line, 'HEALTHCHECK CMD must use the exec (JSON) form');
  } else {
    const probe = facts.healthcheck.exec.join(' ');
    const script = facts.healthcheck.exec.find((word) => /\.(mjs|js|cjs)$/.test(word));
    const probed = script ? (repo.read(script) ?? '') : probe;
    if (script && !repo.exists(script)) at(facts.healthcheck.instruction.line, `HEALTHCHECK runs ${script}, which does not exist`);
    else if (!probed.includes('/healthz')) at(facts.healthcheck.instruction.line, 'HEALTHCHECK must probe /healthz');
  }

  const port = facts.env.PORT;
  if (!port) at(final.line, 'set ENV PORT in the runtime stage (the platform and the HEALTHCHECK read it)');
  else if (!facts.exposed.includes(port)) at(final.line, `EXPOSE ${port} to match ENV PORT`);
  if (facts.env.HOST !== '0.0.0.0') at(final.line, 'set ENV HOST=0.0.0.0: a container must listen beyond loopback');
  const dataDir = facts.env.DATA_DIR;
  if (dataDir && !facts.volumes.includes(dataDir)) at(final.line, `declare VOLUME ${dataDir} (DATA_DIR) for embedded data`);

  if (runs(final, /\bnpm (ci|install)\b/) && !runs(final, /--omit=dev|--production/)) {
    at(final.line, 'the runtime stage must install production dependencies only (npm ci --omit=dev)');
  }
  for (const instruction of final.instructions) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    const sources = instruction.args.slice(0, -1);
    const from = instruction.flags.from;
    if (from) {
      const stage = facts.stages.find((candidate) => candidate.name === from);
      if (!stage) {
        at(instruction.line, `COPY --from=${from} names no stage`);
      } else if (sources.some((source) => /node_modules\/?$/.test(source)) && !runs(stage, /npm ci\b.*--omit=dev/)) {
        at(instruction.line, `node_modules comes from stage "${from}", which must run npm ci --omit=dev`);
      }
      continue;
    }
    for (const source of sources) {
      if (/[*?[]/.test(source)) continue;
      const relative = source.replace(/^\.\//, '').replace(/\/$/, '');
      if (!repo.exists(relative)) at(instruction.line, `${instruction.keyword} source "${source}" does not exist`);
      else if (isDockerIgnored(relative, repo.read('.dockerignore') ?? '')) {
        at(instruction.line, `${instruction.keyword} source "${source}" is excluded by .dockerignore`);
      }
    }
  }
  const copiedFromContext = final.instructions
    .filter((instruction) => instruction.keyword === 'COPY' && !instruction.flags.from)
    .flatMap((instruction) => instruction.args.slice(0, -1).map((source) => source.replace(/^\.\//, '').replace(/\/$/, '')));
  for (const needed of ['package.json', 'migrations', 'demo']) {
    if (!copiedFromContext.includes(needed)) at(final.line, `the runtime stage must COPY ${needed} (the server reads it at run time)`);
  }
  const copiesDist = final.instructions.some(
    (instruction) => instruction.keyword === 'COPY' && instruction.flags.from && instruction.args.some((arg) => /dist\/?$/.test(arg)),
  );
  if (!copiesDist) at(final.line, 'the runtime stage must COPY the compiled dist/ from the build stage');
  return problems;
}

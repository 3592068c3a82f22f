// Reads a Dockerfile into the facts the deploy checks need: stages, and the final image's ENV, USER,
// CMD, HEALTHCHECK, EXPOSE, VOLUME. Parsing is dockerfile-ast's (continuations, escapes, flags).
import { DockerfileParser, ModifiableInstruction, PropertyInstruction, type Instruction } from 'dockerfile-ast';

export interface DockerInstruction {
  keyword: string;
  /** 1-based line of the instruction, for messages. */
  line: number;
  /** Arguments as written, continuations joined, flags included. */
  content: string;
  /** Arguments without flags, as separate words. */
  args: string[];
  flags: Record<string, string | null>;
  /** `NAME=value` pairs of ENV/ARG instructions. */
  properties: Array<{ name: string; value: string | null }>;
}

export interface DockerStage {
  name: string | null;
  /** Base image with build ARG defaults substituted. */
  image: string;
  line: number;
  instructions: DockerInstruction[];
}

export interface ImageFacts {
  stages: DockerStage[];
  final: DockerStage | null;
  /** ENV of the final stage (later values win). */
  env: Record<string, string>;
  workdir: string | null;
  user: string | null;
  /** CMD in exec (JSON) form; null when missing or in shell form (see `cmdLine`). */
  cmd: string[] | null;
  cmdLine: DockerInstruction | null;
  entrypoint: DockerInstruction | null;
  /** HEALTHCHECK command in exec form, `NONE`, or null when absent. */
  healthcheck: { exec: string[] | null; none: boolean; instruction: DockerInstruction } | null;
  exposed: string[];
  volumes: string[];
  stopSignal: string | null;
}

function toInstruction(instruction: Instruction): DockerInstruction {
  const flags: Record<string, string | null> = {};
  if (instruction instanceof ModifiableInstruction) {
    for (const flag of instruction.getFlags()) flags[flag.getName()] = flag.getValue();
  }
  const properties =
    instruction instanceof PropertyInstruction ? instruction.getProperties().map((property) => ({ name: property.getName(), value: property.getValue() })) : [];
  return {
    keyword: instruction.getKeyword().toUpperCase(),
    line: instruction.getRange().start.line + 1,
    content: (instruction.getArgumentsContent() ?? '').trim(),
    args: instruction.getArguments().map((argument) => argument.getValue()),
    flags,
    properties,
  };
}

/** The JSON array of an exec-form instruction, or null for shell form / invalid JSON. */
export function parseExecForm(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

function substituteArgs(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return args.get(name) ?? whole;
  });
}

export function readImageFacts(text: string): ImageFacts {
  const dockerfile = DockerfileParser.parse(text);
  const globalArgs = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property?.getValue() != null) globalArgs.set(property.getName(), property.getValue() ?? '');
  }

  const stages: DockerStage[] = [];
  for (const instruction of dockerfile.getInstructions().map(toInstruction)) {
    if (instruction.keyword === 'FROM') {
      const asIndex = instruction.args.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({
        name: asIndex >= 0 ? (instruction.args[asIndex + 1] ?? null) : null,
        image: substituteArgs(instruction.args[0] ?? '', globalArgs),
        line: instruction.line,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }

  const final = stages.at(-1) ?? null;
  const facts: ImageFacts = {
    stages,
    final,
    env: {},
    workdir: null,
    user: null,
    cmd: null,
    cmdLine: null,
    entrypoint: null,
    healthcheck: null,
    exposed: [],
    volumes: [],
    stopSignal: null,
  };
  for (const instruction of final?.instructions ?? []) {
    switch (instruction.keyword) {
      case 'ENV':
        for (const { name, value } of instruction.properties) facts.env[name] = value ?? '';
        break;
      case 'WORKDIR':
        facts.workdir = instruction.content;
        break;
      case 'USER':
        facts.user = instruction.content;
        break;
      case 'CMD':
        facts.cmdLine = instruction;
        facts.cmd = parseExecForm(instruction.content);
        break;
      case 'ENTRYPOINT':
        facts.entrypoint = instruction;
        break;
      case 'HEALTHCHECK': {
        const none = /^NONE$/i.test(instruction.content);
        const command = /\bCMD\s+([\s\S]*)$/.exec(instruction.content)?.[1] ?? '';
        facts.healthcheck = { exec: none ? null : parseExecForm(command), none, instruction };
        break;
      }
      case 'EXPOSE':
        facts.exposed.push(...instruction.args.map((port) => port.replace(/\/(tcp|udp)$/i, '')));
        break;
      case 'VOLUME':
        facts.volumes.push(...(parseExecForm(instruction.content) ?? instruction.args));
        break;
      case 'STOPSIGNAL':
        facts.stopSignal = instruction.content;
        break;
      default:
        break;
    }
  }
  return facts;
}

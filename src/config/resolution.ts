import { resolve } from 'node:path';
import { exposedSecret, FileReadError, readTextFile } from './file.js';

/*
 * Reading what a config names: ${VAR} from the environment, files relative to the config's
 * directory (each read once per load), secrets checked for who else can read them. Every
 * problem is collected with the config path it belongs to, never thrown one by one.
 */

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** What resolving one config needs besides the document: the environment, where relative paths start, the files read so far, and the problems found. */
export interface Resolution {
  env: NodeJS.ProcessEnv;
  baseDir: string;
  /** Files read during one load, by path: a thousand targets sharing a CA file hold one copy of it. */
  files: Map<string, string | FileReadError>;
  problems: string[];
  /** What is allowed but risky, each said once. */
  warnings: Set<string>;
}

/** Replaces ${VAR} with the environment's value ($$ is a literal $); names a missing variable as a problem. */
export function interpolate(text: string, path: string, { env, problems }: Resolution): string {
  return text.replace(ENV_REF, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    const value = env[name];
    if (value === undefined) {
      problems.push(
        `${path}: environment variable ${name} is not set${name === 'CREDENTIALS_DIRECTORY' ? CREDENTIALS_HINT : ''}`,
      );
      return '';
    }
    return value;
  });
}

/** systemd sets CREDENTIALS_DIRECTORY for a unit with LoadCredential=; a check by hand must run the way the unit does. */
const CREDENTIALS_HINT =
  " (systemd sets it for the unit's LoadCredential=; check the unit's config as the unit runs it: systemd-run --pipe --wait -p LoadCredential=sps-password:/etc/sps-exporter/sps-password node dist/main.js --config.file=... --check-config, see docs/security.md)";

function readSecretFile(file: string, path: string, resolution: Resolution): string {
  const { files, problems } = resolution;
  let content = files.get(file);
  if (content === undefined) {
    try {
      content = readTextFile(file).replace(/\r?\n$/, '');
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
      content = error;
    }
    files.set(file, content);
  }
  if (typeof content === 'string') return content;
  problems.push(`${path}: cannot read ${file} (${content.reason})`);
  return '';
}

/**
 * The content of the file a config path names, relative to the config file's directory as in
 * Prometheus and Alertmanager. The path takes ${VAR} (systemd hands credentials over in
 * $CREDENTIALS_DIRECTORY); with a variable unset, that is the problem, and no file is read.
 */
export function readFileAt(
  file: string,
  path: string,
  resolution: Resolution,
  { secret }: { secret: boolean },
): string {
  const before = resolution.problems.length;
  const interpolated = interpolate(file, path, resolution);
  if (resolution.problems.length > before) return '';
  const absolute = resolve(resolution.baseDir, interpolated);
  const content = readSecretFile(absolute, path, resolution);
  const exposed = secret && resolution.problems.length === before ? exposedSecret(absolute) : undefined;
  if (exposed) resolution.warnings.add(`${path}: ${exposed}`);
  return content;
}

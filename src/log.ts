import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'logfmt'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Characters JSON leaves raw that a terminal or log viewer acts on: C1 controls (U+0080-U+009F,
 * among them CSI U+009B and NEL U+0085) and the line and paragraph separators U+2028/U+2029.
 * C0 controls (newline, ESC) are escaped by JSON already.
 */
const UNSAFE_IN_LOGS = /[\u0080-\u009f\u2028\u2029]/;
const escapeUnsafe = (text: string) =>
  UNSAFE_IN_LOGS.test(text)
    ? text.replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;

/**
 * JSON lines on stdout (or on `destination`, such as logfmtDestination). Secrets are never handed to the logger in the first place; the redaction
 * list is a second line of defence should a header or credential object ever reach it. Text from a
 * node (an error message, a cookie name) may hold any character: the ones a terminal would act on
 * are written as JSON \u escapes, which mean the same to a JSON reader.
 */
export function createLogger(level: LogLevel = 'info', destination: DestinationStream = pino.destination(1)): Logger {
  const escaped: DestinationStream = { write: (line: string) => void destination.write(escapeUnsafe(line)) };
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'cookie',
          '*.cookie',
          'headers',
          '*.headers',
          'session_id',
          '*.session_id',
        ],
        censor: '<secret>',
      },
    },
    escaped,
  );
}

/** A logfmt value: bare when it can be, else quoted with `"` and `\\` escaped; objects as JSON. */
function logfmtValue(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : value === null || typeof value !== 'object'
        ? String(value)
        : JSON.stringify(value);
  return text !== '' && /^[^\s"=\\\u0080-\u009f\u2028\u2029]+$/.test(text) ? text : JSON.stringify(text);
}

/** One JSON log line as a logfmt line: time, level and msg first, as Go exporters print them. */
export function toLogfmt(line: string): string {
  const { time, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const fields: string[] = [];
  for (const [key, value] of Object.entries({ time, level, msg, ...rest }))
    if (value !== undefined) fields.push(`${key}=${logfmtValue(value)}`);
  // Such characters are always in quoted values (see logfmtValue), where \u escapes read as in JSON.
  return `${escapeUnsafe(fields.join(' '))}\n`;
}

/** A destination that writes each log line to `out` in logfmt instead of JSON (--log.format=logfmt). */
export function logfmtDestination(out: { write(text: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(toLogfmt(line)) };
}

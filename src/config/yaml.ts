import { LineCounter, parseDocument, visit, type YAMLError } from 'yaml';

export interface ReadYaml {
  /** The document as plain data; undefined when it has problems. */
  value: unknown;
  /** Each problem by line and kind, never with the text it is about: that may be a password. */
  problems: string[];
}

/** What an error code of the yaml library means, in words that carry none of the document's text. */
function describe(error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY') return 'a key is repeated in one mapping';
  return `${error.code.toLowerCase().replace(/_/g, ' ')}`;
}

/**
 * Parses a YAML document for a config file. An unquoted value that starts with `*` is an alias;
 * one that names no anchor is reported by line, with a hint to quote the value, and its text is
 * never repeated (the yaml library's own error would repeat it, and it may be a password).
 */
export function readYaml(text: string): ReadYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const problems = doc.errors.map((error) => `YAML line ${lineOf(error.pos[0])}: ${describe(error)}`);
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        problems.push(
          `YAML line ${lineOf(alias.range?.[0] ?? 0)}: an alias (a value starting with *) refers to no anchor; quote the value if it is meant literally`,
        );
      }
    },
  });
  if (problems.length > 0) return { value: undefined, problems };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) ?? {}, problems };
  } catch (error) {
    // Whatever else toJS refuses (an alias expanding too far): named by kind, never by text.
    return { value: undefined, problems: [`YAML: the document cannot be read (${(error as Error).name})`] };
  }
}

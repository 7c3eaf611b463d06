/** One sample line of a text exposition. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** One metric family (`# TYPE` block) of a text exposition. */
export interface ParsedFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: ParsedSample[];
}

// Label values are quoted and may contain `}` or escaped quotes; an exemplar may follow the value.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)(?: .*)?$/;

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 1; // after '{'
  while (i < text.length - 1) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    if (text[eq + 1] !== '"') throw new Error(`bad label syntax in ${text}`);
    let j = eq + 2;
    let value = '';
    while (text[j] !== '"') {
      if (text[j] === '\\') {
        const next = text[j + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        j += 2;
      } else {
        value += text[j];
        j += 1;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i += 1;
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Parses Prometheus 0.0.4 or OpenMetrics text into families keyed by the `# TYPE` name. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: '', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    if (line.startsWith('# HELP ')) {
      const [name = '', ...rest] = line.slice(7).split(' ');
      current = family(name);
      current.help = rest.join(' ');
    } else if (line.startsWith('# TYPE ')) {
      const [name = '', type = ''] = line.slice(7).split(' ');
      current = family(name);
      current.type = type;
    } else {
      const match = SAMPLE.exec(line);
      if (match === null || current === undefined) throw new Error(`unparseable line: ${line}`);
      current.samples.push({
        name: match[1] ?? '',
        labels: match[2] === undefined ? {} : parseLabels(match[2]),
        value: parseValue(match[3] ?? ''),
      });
    }
  }
  return families;
}

/** The value of the sample `name` whose labels include `labels`, or undefined. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** A word family that marks a reflective text, and the signature flag it raises, if any. */
export interface TextMarker {
  /** The marker's name, as recorded on the signature. */
  readonly marker: string;
  /** The words that show it. */
  readonly pattern: RegExp;
  /** The signature flag the marker raises. */
  readonly flag?: 'synthesis' | 'uncertainty';
}

/** The reflective markers looked for in a voice's text (the reference's "text markers"). */
export const TEXT_MARKERS: readonly TextMarker[] = Object.freeze([
  { marker: 'reflect', pattern: /\breflect(?:s|ed|ing|ion|ions|ive)?\b/i },
  { marker: 'realize', pattern: /\breali[sz](?:e|es|ed|ing|ation)\b/i },
  { marker: 'wonder', pattern: /\bwonder(?:s|ed|ing)?\b/i, flag: 'uncertainty' },
  { marker: 'uncertain', pattern: /\buncertain(?:ty|ties)?\b/i, flag: 'uncertainty' },
  { marker: 'perhaps', pattern: /\b(?:perhaps|maybe)\b/i, flag: 'uncertainty' },
  { marker: 'unsure', pattern: /\b(?:unsure|not sure|unclear)\b/i, flag: 'uncertainty' },
  { marker: 'together', pattern: /\btogether\b/i, flag: 'synthesis' },
  { marker: 'emerge', pattern: /\bemerg(?:e|es|ed|ing|ence|ent)\b/i, flag: 'synthesis' },
  {
    marker: 'synthesis',
    pattern: /\bsynthes(?:is|es|i[sz]e|i[sz]ed|i[sz]es|i[sz]ing)\b/i,
    flag: 'synthesis',
  },
  { marker: 'integrate', pattern: /\bintegrat(?:e|es|ed|ing|ion)\b/i, flag: 'synthesis' },
] satisfies TextMarker[]);

/** The markers found in a text and the flags they raise. */
export interface TextMarkerReading {
  /** Names of the markers found, in {@link TEXT_MARKERS} order. */
  readonly markers: string[];
  /** A synthesis marker was found. */
  readonly synthesis: boolean;
  /** An uncertainty marker was found. */
  readonly uncertainty: boolean;
}

/** Longest prefix of a text that is scanned, so a huge message cannot make recording slow. */
export const MAX_SCANNED_TEXT = 20_000;

/** Finds the reflective markers of a text (its first 20,000 characters); underscores and hyphens count as spaces. */
export function detectTextMarkers(text: string): TextMarkerReading {
  const scanned = text.slice(0, MAX_SCANNED_TEXT).replace(/[_-]/g, ' ');
  const markers: string[] = [];
  let synthesis = false;
  let uncertainty = false;
  for (const m of TEXT_MARKERS) {
    if (!m.pattern.test(scanned)) continue;
    markers.push(m.marker);
    if (m.flag === 'synthesis') synthesis = true;
    if (m.flag === 'uncertainty') uncertainty = true;
  }
  return { markers, synthesis, uncertainty };
}

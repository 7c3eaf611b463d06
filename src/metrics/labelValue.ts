import { EMPTY_LABEL_VALUE, MAX_LABEL_VALUE_LENGTH } from './metricNames.js';

// Control characters make exposition lines unreadable for humans and some parsers.
const CONTROL_CHARACTERS = /\p{Cc}/gu;

/**
 * A label value safe to write: control characters replaced, cut to `maxLength` UTF-16 units
 * (never inside a surrogate pair), `unknown` for an empty name.
 */
export function labelValue(name: string, maxLength: number = MAX_LABEL_VALUE_LENGTH): string {
  let value = typeof name === 'string' ? name : String(name);
  if (value.length > maxLength) {
    const last = value.charCodeAt(maxLength - 1);
    // A high surrogate at the cut would leave half a character behind.
    value = value.slice(0, last >= 0xd800 && last <= 0xdbff ? maxLength - 1 : maxLength);
  }
  value = value.replace(CONTROL_CHARACTERS, '_');
  return value.length === 0 ? EMPTY_LABEL_VALUE : value;
}

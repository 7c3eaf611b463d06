/** Whether `value` is a non-null object (arrays included), so its properties can be read. */
export function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

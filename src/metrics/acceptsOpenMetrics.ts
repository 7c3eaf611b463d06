/**
 * Whether an `Accept` header asks for OpenMetrics: `application/openmetrics-text` with q > 0 and
 * at least the q of `text/plain` (Prometheus sends OpenMetrics first, text/plain at q=0.5).
 */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  let openMetrics = 0;
  let plainText = 0;
  for (const range of accept.split(',')) {
    const [media = '', ...params] = range.split(';');
    let q = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() === 'q') {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    const type = media.trim().toLowerCase();
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain') plainText = Math.max(plainText, q);
  }
  return openMetrics > 0 && openMetrics >= plainText;
}

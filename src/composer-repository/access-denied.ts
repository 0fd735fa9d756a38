/**
 * What a refused customer is told. Composer shows the HTTP reason phrase in its error line and
 * prints a JSON body's `warning` (only with Content-Type exactly application/json), so both
 * carry the message. The admin's private status reason is never included.
 */
export function accessDeniedResponse(
  status: 'suspended' | 'expired',
  contact: string,
): { reasonPhrase: string; body: string } {
  const state = status === 'suspended' ? 'suspended' : 'expired';
  const warning = accessDeniedMessage(status, contact);
  return {
    reasonPhrase: `Packyard access ${state} - ${contact}`.replace(/[^\x20-\x7e]/g, '').slice(0, 200),
    body: JSON.stringify({ statusCode: 403, error: `access_${state}`, message: warning, warning }),
  };
}

/** The customer-facing sentence, also shown by the customer portal. */
export function accessDeniedMessage(status: 'suspended' | 'expired', contact: string): string {
  return `Your access to this Composer repository is ${status}. ${contact}`;
}

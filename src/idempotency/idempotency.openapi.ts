import { OpenAPIObject } from '@nestjs/swagger';

const PARAMETER = 'IdempotencyKey';

/**
 * Documents the Idempotency-Key header once, in components.parameters, and refers to it from
 * every admin POST operation (paths under /api/v1).
 */
export function documentIdempotencyKey(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    parameters: {
      ...document.components?.parameters,
      [PARAMETER]: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; ' +
          'a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and ' +
          'changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is ' +
          'still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. ' +
          '1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
        example: '5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60',
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!item.post || !(path === '/api/v1' || path.startsWith('/api/v1/'))) continue;
    item.post.parameters = [...(item.post.parameters ?? []), { $ref: `#/components/parameters/${PARAMETER}` }];
  }
  return document;
}

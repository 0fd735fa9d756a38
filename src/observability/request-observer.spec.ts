import { accessLevel } from './request-observer';

describe('accessLevel', () => {
  it.each([
    ['composer_metadata', 200, 'debug'],
    ['composer_metadata', 304, 'debug'],
    ['composer_metadata', 401, 'info'],
    ['composer_metadata', 403, 'info'],
    ['composer_metadata', 404, 'info'],
    ['composer_dist', 200, 'info'],
    ['admin_api', 201, 'info'],
    ['admin_api', 400, 'info'],
    ['webhook', 200, 'info'],
    ['admin_api', 503, 'warn'],
    ['composer_metadata', 503, 'warn'],
    ['admin_api', 500, 'error'],
    ['composer_metadata', 502, 'error'],
  ] as const)('%s %i is logged at %s', (route, status, level) => expect(accessLevel(route, status)).toBe(level));
});

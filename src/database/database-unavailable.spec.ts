import { QueryFailedError } from 'typeorm';
import { describeDatabaseFailure, isDatabaseUnavailable } from './database-unavailable';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function queryFailed(driverError: Error): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], driverError);
}

describe('isDatabaseUnavailable', () => {
  const unavailable: Array<[string, unknown]> = [
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['connect timeout (socket)', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['unknown host', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    [
      'admin shutdown in a query',
      queryFailed(withCode('terminating connection due to administrator command', '57P01')),
    ],
    ['server starting up', withCode('the database system is starting up', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['client unable to establish', withCode('could not connect', '08001')],
    ['socket closed under a query', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg connection timeout', new Error('Connection terminated due to connection timeout')],
    ['client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['shutting down, no code', new Error('the database system is shutting down')],
    [
      'both address families refused',
      Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')], ''), {}),
    ],
    [
      'wrapped as cause',
      new Error('could not start transaction', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
    ],
  ];
  it.each(unavailable)('%s: unavailable', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  const otherFailures: Array<[string, unknown]> = [
    ['unique violation', queryFailed(withCode('duplicate key value', '23505'))],
    ['syntax error', queryFailed(withCode('syntax error at or near "SELEC"', '42601'))],
    ['missing table', queryFailed(withCode('relation "x" does not exist', '42P01'))],
    ['serialization failure', queryFailed(withCode('could not serialize access', '40001'))],
    ['statement timeout', queryFailed(withCode('canceling statement due to statement timeout', '57014'))],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['file not found', withCode('ENOENT: no such file', 'ENOENT')],
    ['not an object', 'Connection terminated'],
    ['null', null],
    ['undefined', undefined],
  ];
  it.each(otherFailures)('%s: not an outage', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(false));

  it('does not loop on a cause cycle', () => {
    const error = new Error('a') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('describeDatabaseFailure', () => {
  it.each([
    [withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'connect ECONNREFUSED 127.0.0.1:5432'],
    [
      queryFailed(withCode('terminating connection due to administrator command', '57P01')),
      '57P01: terminating connection due to administrator command',
    ],
    [new Error('Connection terminated unexpectedly'), 'Connection terminated unexpectedly'],
    [withCode('', 'ECONNREFUSED'), 'ECONNREFUSED: connection failed'],
  ])('%#: names the failure without the query', (error, expected) =>
    expect(describeDatabaseFailure(error)).toBe(expected),
  );
});

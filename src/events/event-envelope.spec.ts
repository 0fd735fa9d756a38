import { PUBLISHED_EVENT_TYPES, streamSubjects, subjectFor, wantsEvent } from './event-envelope';

describe('event subjects and subscriptions', () => {
  it('puts every event type under one of the stream subjects, and no message pattern', () => {
    const subjects = streamSubjects('packyard');
    expect(subjects).toEqual(['packyard.customer.>', 'packyard.access.>', 'packyard.token.>', 'packyard.package.>']);
    for (const type of PUBLISHED_EVENT_TYPES) {
      const subject = subjectFor('packyard', type);
      expect(subjects.some((wildcard) => subject.startsWith(wildcard.slice(0, -1)))).toBe(true);
    }
    expect(subjects.some((wildcard) => 'packyard.rpc.customers.create'.startsWith(wildcard.slice(0, -1)))).toBe(false);
  });

  it.each([
    [['*'], 'customer.created', true],
    [['customer.status_changed'], 'customer.status_changed', true],
    [['customer.status_changed'], 'customer.created', false],
    [['access.granted', 'access.revoked'], 'access.revoked', true],
  ])('an endpoint for %j wants %s: %s', (patterns, type, wanted) => {
    expect(wantsEvent(patterns, type)).toBe(wanted);
  });
});

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, TestApp } from './helpers/test-app';
import { publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import { createBillingCustomer, deliverStripe, STRIPE_SECRET, stripeEvent, stripeInvoice, stripeSubscription, stripeSubscriptionIdOf } from './helpers/billing';

const DAY_MS = 24 * 3600 * 1000;

/** One customer's billing story told by Stripe, seen through the real Composer client. */
describe('Billing webhooks and the real Composer client', () => {
  let t: TestApp;
  let consumer: ComposerProject;

  beforeAll(async () => {
    t = await createTestApp({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.' });
    await publish(t, 'acme/toolkit', '1.0.0', { releasedAt: new Date(Date.now() - 60 * DAY_MS).toISOString() });
    await publish(t, 'acme/toolkit', '1.1.0', { releasedAt: new Date(Date.now() - 10 * DAY_MS).toISOString() });
  });
  afterAll(async () => {
    consumer?.remove();
    await t.close();
  });

  it('refuses installs while a payment has failed, restores them once paid, and freezes them when the subscription ends', async () => {
    const { token } = await createBillingCustomer(t, 'cus_ComposerStory', { 'acme/toolkit': '^1.0' }, 'freeze');
    consumer = new ComposerProject(t.url, token);

    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_ComposerStory'))).expect(200, { received: true, outcome: 'applied' });
    const refused = await consumer.run('require', 'acme/toolkit');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('Your access to this Composer repository is suspended');
    expect(refused.output).toContain('Write to billing@vendor.test.');

    await deliverStripe(t, stripeEvent('invoice.paid', stripeInvoice('cus_ComposerStory', { status: 'paid' }))).expect(200, { received: true, outcome: 'applied' });
    const installed = await consumer.run('require', 'acme/toolkit');
    expect(installed.code).toBe(0);
    expect(consumer.installedVersion('acme/toolkit')).toBe('1.1.0');

    const endedAt = Math.floor(Date.now() / 1000) - 60;
    const deleted = stripeSubscription('cus_ComposerStory', 'canceled', { id: stripeSubscriptionIdOf('cus_ComposerStory'), canceled_at: endedAt, ended_at: endedAt });
    await deliverStripe(t, stripeEvent('customer.subscription.deleted', deleted)).expect(200, { received: true, outcome: 'applied' });
    await publish(t, 'acme/toolkit', '1.2.0');

    expect(await consumer.availableVersions('acme/toolkit')).toEqual(['1.1.0', '1.0.0']);
    const newer = await consumer.run('require', 'acme/toolkit:^1.2');
    expect(newer.code).not.toBe(0);
    // What was installed before the subscription ended keeps installing from the lock file (downloaded again, not cached).
    rmSync(join(consumer.dir, 'vendor'), { recursive: true, force: true });
    const reinstall = await consumer.run('install', '--no-cache');
    expect(reinstall.code).toBe(0);
    expect(consumer.readFile('vendor/acme/toolkit/src/Toolkit.php')).toContain("VERSION = '1.1.0'");
  });
});

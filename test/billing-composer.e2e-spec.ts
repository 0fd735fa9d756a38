import { rmSync } from 'node:fs';
import { ExpirySweeper } from '../src/access/expiry-sweeper.service';
import { Clock } from '../src/common/clock';
import { join } from 'node:path';
import { createTestApp, TestApp } from './helpers/test-app';
import { publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import {
  createBillingCustomer,
  deliverStripe,
  STRIPE_SECRET,
  stripeEvent,
  stripeInvoice,
  stripeSubscription,
  stripeSubscriptionIdOf,
} from './helpers/billing';

const DAY_MS = 24 * 3600 * 1000;

/** One customer's billing story told by Stripe, seen through the real Composer client. */
describe('Billing webhooks and the real Composer client', () => {
  let t: TestApp;
  let consumer: ComposerProject;
  let graceConsumer: ComposerProject;

  beforeAll(async () => {
    t = await createTestApp({
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.',
    });
    await publish(t, 'acme/toolkit', '1.0.0', { releasedAt: new Date(Date.now() - 60 * DAY_MS).toISOString() });
    await publish(t, 'acme/toolkit', '1.1.0', { releasedAt: new Date(Date.now() - 10 * DAY_MS).toISOString() });
  });
  afterAll(async () => {
    consumer?.remove();
    graceConsumer?.remove();
    await t.close();
  });

  it('refuses installs while a payment has failed, restores them once paid, and freezes them when the subscription ends', async () => {
    const { token } = await createBillingCustomer(t, 'cus_ComposerStory', { 'acme/toolkit': '^1.0' }, 'freeze');
    consumer = new ComposerProject(t.url, token);

    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_ComposerStory'))).expect(200, {
      received: true,
      outcome: 'applied',
    });
    const refused = await consumer.run('require', 'acme/toolkit');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('Your access to this Composer repository is suspended');
    expect(refused.output).toContain('Write to billing@vendor.test.');

    await deliverStripe(t, stripeEvent('invoice.paid', stripeInvoice('cus_ComposerStory', { status: 'paid' }))).expect(
      200,
      { received: true, outcome: 'applied' },
    );
    const installed = await consumer.run('require', 'acme/toolkit');
    expect(installed.code).toBe(0);
    expect(consumer.installedVersion('acme/toolkit')).toBe('1.1.0');

    const endedAt = Math.floor(Date.now() / 1000) - 60;
    const deleted = stripeSubscription('cus_ComposerStory', 'canceled', {
      id: stripeSubscriptionIdOf('cus_ComposerStory'),
      canceled_at: endedAt,
      ended_at: endedAt,
    });
    await deliverStripe(t, stripeEvent('customer.subscription.deleted', deleted)).expect(200, {
      received: true,
      outcome: 'applied',
    });
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

  it('keeps installing during the grace period, refuses once the sweep ends it, and an admin hold outlasts billing until resumed', async () => {
    const { id, token } = await createBillingCustomer(t, 'cus_GraceStory', { 'acme/toolkit': '^1.0' });
    await t.admin.patch(`/api/v1/customers/${id}`, { billing_grace_days: 3 }).expect(200);
    // Without Composer's cache, so a refusal fails the command instead of falling back to cached metadata.
    graceConsumer = new ComposerProject(t.url, token);
    const clock = t.app.get(Clock);

    await deliverStripe(t, stripeEvent('invoice.payment_failed', stripeInvoice('cus_GraceStory'))).expect(200, {
      received: true,
      outcome: 'unchanged',
    });
    expect((await graceConsumer.run('require', 'acme/toolkit')).code).toBe(0);

    clock.travel(3 * DAY_MS);
    try {
      await t.app.get(ExpirySweeper).sweep();
      const refused = await graceConsumer.run('require', 'acme/toolkit', '--no-cache');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('Your access to this Composer repository is suspended');

      // The vendor lets them in while they sort out the card: a further failed retry does not undo that.
      await t.admin.post(`/api/v1/customers/${id}/reactivate`, {}).expect(200);
      await deliverStripe(
        t,
        stripeEvent('invoice.payment_failed', stripeInvoice('cus_GraceStory', { attempt_count: 2 })),
      ).expect(200, {
        received: true,
        outcome: 'held_by_admin',
      });
      expect((await graceConsumer.run('require', 'acme/toolkit', '--no-cache')).code).toBe(0);

      // Released: billing's decision (past due, grace over) applies again.
      await t.admin.post(`/api/v1/customers/${id}/billing/resume`).expect(200);
      const refusedAgain = await graceConsumer.run('require', 'acme/toolkit', '--no-cache');
      expect(refusedAgain.code).not.toBe(0);
      expect(refusedAgain.output).toContain('Your access to this Composer repository is suspended');
    } finally {
      clock.travel(-3 * DAY_MS);
    }
  });
});

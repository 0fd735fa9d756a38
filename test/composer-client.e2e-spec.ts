import { createTestApp, TestApp } from './helpers/test-app';
import { createCustomer, publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';

/**
 * The real Composer 2 client against the real server: what a customer following the README does.
 * Each project has its own COMPOSER_HOME and cache, so no test sees another's downloads.
 */
describe('The real Composer client', () => {
  let t: TestApp;
  const projects: ComposerProject[] = [];
  const project = (token: string | null) => {
    const created = new ComposerProject(t.url, token);
    projects.push(created);
    return created;
  };

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_DENIED_CONTACT: 'Write to billing@vendor.test.' });
    await publish(t, 'acme/helper', '1.0.0');
    await publish(t, 'acme/helper', '1.4.0');
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '2.0.0', { require: { 'acme/helper': '^1.0' } });
    await publish(t, 'acme/widget', '2.1.0', { require: { 'acme/helper': '^1.0' } });
    await publish(t, 'acme/widget', '3.0.0', { require: { 'acme/helper': '^1.0' } });
  });
  afterAll(async () => {
    for (const p of projects) p.remove();
    await t.close();
  });

  it('installs the highest version a grant allows, with its private dependency', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0', 'acme/helper': '*' });
    const consumer = project(token);
    const result = await consumer.run('require', 'acme/widget');
    expect(result.code).toBe(0);
    expect(consumer.installedVersion('acme/widget')).toBe('2.1.0');
    expect(consumer.installedVersion('acme/helper')).toBe('1.4.0');
    expect(consumer.readFile('vendor/acme/widget/src/Widget.php')).toContain("VERSION = '2.1.0'");
    expect(JSON.parse(consumer.readFile('composer.json')).require['acme/widget']).toBe('^2.1');
  });

  it('lists exactly the allowed versions in composer show -a', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '>=1.0 <3.0' });
    expect(await project(token).availableVersions('acme/widget')).toEqual(['2.1.0', '2.0.0', '1.0.0']);
  });

  it('does not see versions outside the grant', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0', 'acme/helper': '*' });
    const result = await project(token).run('require', 'acme/widget:^3.0');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/acme\/widget/);
    expect(result.output).toMatch(/could not be resolved|does not match|found acme\/widget\[2\.0\.0, 2\.1\.0\]/i);
  });

  it('fails when a dependency is not granted', async () => {
    const { token } = await createCustomer(t, { 'acme/widget': '^2.0' });
    const result = await project(token).run('require', 'acme/widget');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('acme/helper');
  });

  it('does not find a package the customer has no grant for', async () => {
    const { token } = await createCustomer(t, { 'acme/helper': '*' });
    const result = await project(token).run('require', 'acme/widget');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Could not find (a matching version of )?package acme\/widget/i);
  });

  it.each([
    ['suspend', 'suspended'],
    ['expire', 'expired'],
  ])('fails after %s, telling the customer why and whom to contact', async (action, state) => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*', 'acme/helper': '*' });
    await t.admin.post(`/api/v1/customers/${id}/${action}`, { reason: 'private admin note' }).expect(200);
    const result = await project(token).run('require', 'acme/widget');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`Your access to this Composer repository is ${state}`);
    expect(result.output).toContain('Write to billing@vendor.test.');
    expect(result.output).toContain('403');
    expect(result.output).not.toContain('private admin note');
  });

  it('lets a frozen customer install only the frozen versions', async () => {
    const { id, token } = await createCustomer(t, { 'acme/widget': '*', 'acme/helper': '*' });
    await t.admin
      .post(`/api/v1/customers/${id}/freeze`, {
        versions: [
          { package: 'acme/widget', version: '2.0.0' },
          { package: 'acme/helper', version: '1.0.0' },
        ],
      })
      .expect(200);
    const consumer = project(token);
    expect(await consumer.availableVersions('acme/widget')).toEqual(['2.0.0']);
    const result = await consumer.run('require', 'acme/widget');
    expect(result.code).toBe(0);
    expect(consumer.installedVersion('acme/widget')).toBe('2.0.0');
    expect(consumer.installedVersion('acme/helper')).toBe('1.0.0');
    expect((await consumer.run('require', 'acme/widget:^3.0')).code).not.toBe(0);
  });

  it('fails with a wrong token', async () => {
    const result = await project('tok_thisIsNotARealTokenAtAllxxxxxxxxxxxxxxx').run('require', 'acme/widget');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Invalid credentials|401/);
  });

  it('fails without credentials', async () => {
    const result = await project(null).run('require', 'acme/widget');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/required authentication|401/);
  });
});

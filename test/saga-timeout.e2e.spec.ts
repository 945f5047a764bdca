import { TestMesh } from './support/test-mesh';

/** A step that never answers (the generator is down): the reservation expires and the saga still ends. */
describe('saga timeout', () => {
  const mesh = new TestMesh({
    env: { RESERVATION_TTL_SECONDS: '2' },
    services: ['gateway', 'billing', 'enhancer', 'judge'],
  });

  beforeAll(() => mesh.start());
  afterAll(() => mesh.stop());

  it('fails a generation whose saga went silent and releases its quota', async () => {
    const user = mesh.newUser();
    const { status, body } = await mesh.client.submit(user, {
      prompt: 'nobody draws this',
      n: 3,
      width: 128,
      height: 128,
    });
    expect(status).toBe(202);
    const result = await mesh.client.waitForTerminal(user, body.id ?? '', 30000);
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stage: 'timeout', code: 'saga_timeout' });
    expect(result.steps.map((s) => s.status)).toEqual(['reserved', 'generating', 'failed']);
    const [reservation] = await mesh.query<{ status: string }>(
      'SELECT status FROM billing.quota_reservations WHERE generation_id = $1',
      [body.id],
    );
    expect(reservation.status).toBe('expired');
    const [usage] = await mesh.query<{ committed: number; reserved: number }>(
      'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
      [user],
    );
    expect(usage).toEqual({ committed: 0, reserved: 0 });
  });
});

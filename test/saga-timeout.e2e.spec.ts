import { TestMesh } from './support/test-mesh';

/**
 * A step that never answers (the generator is down): the reservation expires and the saga still ends. The deadline
 * measures inactivity per step: the enhancer's step has a generous limit (a loaded machine may be slow to enhance),
 * the generator's a short one, so the failure is the generator's silence.
 */
describe('saga timeout', () => {
  const mesh = new TestMesh({
    env: { RESERVATION_TTL_SECONDS: '60', SAGA_INACTIVITY_GENERATE_SECONDS: '2' },
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
    expect(result.failure).toMatchObject({
      stage: 'timeout',
      code: 'saga_timeout',
      reason: 'no progress from the generate step within its inactivity limit of 2 s',
    });
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

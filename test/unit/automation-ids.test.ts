import { automationWorkflowId, firesRecordedIn } from '../../domain/automation-ids';

describe('fire numbers read back from action keys', () => {
  const contact = 'contact:acme:ada';
  const key = (trigger: string, n: number, step: string) =>
    `${automationWorkflowId(contact, trigger, n)}/${step}`;

  it('when a trigger has several fires recorded, then the highest number counts, with its first action time', () => {
    expect(
      firesRecordedIn(contact, [
        { actionKey: key('reward', 1, 'email'), createdAt: 100 },
        { actionKey: key('reward', 2, 'tag'), createdAt: 300 },
        { actionKey: key('reward', 2, 'email'), createdAt: 200 },
        { actionKey: key('cold', 1, 'leave-campaign:spring_2026'), createdAt: 50 },
      ]),
    ).toEqual({ reward: { fires: 2, lastFiredAt: 200 }, cold: { fires: 1, lastFiredAt: 50 } });
  });

  it('when keys belong to another contact or are not automation keys, then they are ignored', () => {
    expect(
      firesRecordedIn(contact, [
        { actionKey: `${automationWorkflowId('contact:acme:ada2', 'reward', 5)}/email`, createdAt: 1 },
        { actionKey: 'manual-key-1', createdAt: 1 },
        { actionKey: `${contact}/trigger:reward/x/email`, createdAt: 1 },
        { actionKey: `${contact}/trigger:reward/0/email`, createdAt: 1 },
      ]),
    ).toEqual({});
  });
});

// Invitation email through a real SMTP server on loopback.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailInvite } from './invites';

const received: { from: string; to: string[]; body: string }[] = [];
let server: SMTPServer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          body,
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  process.env.SMTP_FROM = 'Gatehouse <gatehouse@example.test>';
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('invitation email', () => {
  it('is delivered by SMTP with the single-use link', async () => {
    const invite = {
      inviteId: crypto.randomUUID(),
      email: 'new@example.test',
      token: 'tok_'.padEnd(43, 'x'),
      path: `/invite/${'tok_'.padEnd(43, 'x')}`,
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      emailed: true,
    };
    await mailInvite(invite, 'Acme', 'https://gatehouse.example.test');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'gatehouse@example.test', to: ['new@example.test'] });
    expect(received[0]!.body).toContain('Subject: You are invited to Acme on Gatehouse');
    expect(received[0]!.body.replace(/=\r?\n/g, '')).toContain(`https://gatehouse.example.test${invite.path}`);
  });
});

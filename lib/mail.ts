// Outgoing mail through SMTP_URL (smtp:// or smtps://, credentials in the URL). Unset → no mail;
// callers then show the link to copy instead.
import nodemailer from 'nodemailer';

export function mailConfigured(): boolean {
  return Boolean(process.env.SMTP_URL);
}

export async function sendMail(message: { to: string; subject: string; text: string }): Promise<void> {
  const url = process.env.SMTP_URL;
  if (!url) throw new Error('SMTP_URL is not set.');
  const transport = nodemailer.createTransport(url);
  try {
    await transport.sendMail({ from: process.env.SMTP_FROM || 'Gatehouse <no-reply@gatehouse.invalid>', ...message });
  } finally {
    transport.close();
  }
}

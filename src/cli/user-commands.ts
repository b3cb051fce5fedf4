import type { Command } from 'commander';
import { openServices, type Services } from '../app/container.js';
import { isMembershipRole, MEMBERSHIP_ROLES } from '../accounts/model.js';
import { loadConfig } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import type { CliIo } from './program.js';

/**
 * The account commands (src/accounts): `stdhub user create` and `stdhub user grant`. Changes are recorded in the
 * event log with the actor 'cli'. Exit codes as the rest of the CLI: 2 for usage errors (unknown person or
 * organisation, invalid address, duplicate).
 */

/** Where --password-stdin reads from: io.stdin when the caller provides one (tests), else the process's. */
type IoWithStdin = CliIo & { stdin?: NodeJS.ReadableStream };

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length > 10_000) throw new AppError('invalid_input', 'The password on stdin is too long');
  }
  // One trailing newline (echo, a file) is not part of the password.
  return text.replace(/\r?\n$/, '');
}

async function withServices<T>(io: CliIo, db: string | undefined, fn: (s: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadConfig(io.env, { SEARCH_WORKERS: 0, ...(db ? { STDHUB_DB: db } : {}) }));
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/** Adds `user create` and `user grant` to the program. */
export function registerUserCommands(program: Command, io: CliIo): void {
  const user = program.command('user').description('manage people: create accounts, grant roles');

  user
    .command('create')
    .description('create a person (the address counts as verified); without a password they set one via "forgot password"')
    .requiredOption('--email <address>', 'e-mail address (sign-in name)')
    .requiredOption('--name <name>', 'display name')
    .option('--password <password>', 'password (visible in the process list and shell history: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--admin', 'make the person a site administrator')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .action(async (o: { email: string; name: string; password?: string; passwordStdin?: boolean; admin?: boolean; db?: string }) => {
      if (o.password !== undefined && o.passwordStdin) throw new AppError('invalid_input', 'Give either --password or --password-stdin');
      const password = o.passwordStdin ? await readAll((io as IoWithStdin).stdin ?? process.stdin) : o.password;
      const p = await withServices(io, o.db, (s) => s.accounts.createPerson({ email: o.email, name: o.name, password, admin: !!o.admin }, 'cli'));
      io.stdout.write(`created ${p.email} (${p.id})${p.isAdmin ? ' — administrator' : ''}\n`);
    });

  user
    .command('grant')
    .description(`grant a person a role in an organisation (roles: ${Object.keys(MEMBERSHIP_ROLES).join(', ')}); the organisation is created if missing`)
    .requiredOption('--email <address>', 'the person')
    .requiredOption('--role <role>', 'editor (publisher), committee_member / committee_secretary (committee), enterprise_rep (enterprise)')
    .requiredOption('--org <code>', "organisation code, e.g. a publisher's catalogue body code: SAC, STDHUB")
    .option('--type <P|O>', 'committee membership type', 'P')
    .option('--db <file>', 'SQLite database file (env STDHUB_DB)')
    .action(async (o: { email: string; role: string; org: string; type: string; db?: string }) => {
      if (!isMembershipRole(o.role)) throw new AppError('invalid_input', `Unknown role "${o.role.slice(0, 40)}" (known: ${Object.keys(MEMBERSHIP_ROLES).join(', ')})`);
      const role = o.role;
      await withServices(io, o.db, async (s) => {
        const person = await s.accounts.store.findPersonByEmail(o.email);
        if (!person) throw new AppError('not_found', `No person with e-mail ${o.email.slice(0, 254)}`);
        const kind = MEMBERSHIP_ROLES[role];
        if (!(await s.accounts.store.orgByCode(kind, o.org)))
          await s.accounts.store.createOrg({ kind, subkind: kind === 'committee' ? 'TC' : kind === 'enterprise' ? 'enterprise' : 'national', code: o.org }, { actor: 'cli' });
        await s.accounts.grantRole(person.id, role, o.org, 'cli', o.type === 'O' ? 'O' : 'P');
      });
      io.stdout.write(`granted ${o.role} of ${o.org} to ${o.email}\n`);
    });
}

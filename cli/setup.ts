import { Command, Option } from 'commander';
import { connectTemporalClient, setupTemporal, TemporalSetupError } from '../config/temporal';
import { loadTemporalSettings } from '../config/temporal-connection';
import { migrate } from '../db/migrate';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { ApiError } from './api-client';

/**
 * `pulse migrate` and `pulse setup`: the two steps before any worker or API process starts (the
 * worker runs setup itself too). Both are idempotent.
 */
export function defineSetupCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply the database migrations that have not run yet (DATABASE_URL)')
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL of the Pulse database')
        .env('DATABASE_URL')
        .makeOptionMandatory(),
    )
    .action(async (opts: { databaseUrl: string }) => {
      const applied: string[] = [];
      await migrate(opts.databaseUrl, (msg) => {
        const name = /^### MIGRATION (\S+) \(UP\) ###$/.exec(msg)?.[1];
        if (name) applied.push(name);
      });
      process.stdout.write(
        applied.length === 0
          ? 'The database is up to date.\n'
          : `Applied ${applied.length} migrations: ${applied.join(', ')}\n`,
      );
    });

  program
    .command('setup')
    .description(
      "Check the Temporal namespace and register Pulse's search attributes where missing (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE)",
    )
    .action(async () => {
      const settings = loadTemporalSettings();
      if (!settings.address)
        throw new ApiError(
          2,
          'TEMPORAL_ADDRESS (or an address in the TEMPORAL_CONFIG_FILE profile) must be set',
        );
      const client = await connectTemporalClient(settings).catch((err: unknown) => {
        throw new ApiError(
          0,
          `cannot reach Temporal at ${settings.summary} (check TEMPORAL_ADDRESS): ${String(err)}`,
        );
      });
      try {
        const { added } = await setupTemporal(client, settings.namespace, SEARCH_ATTRIBUTES);
        process.stdout.write(
          added.length === 0
            ? `Namespace ${settings.namespace} at ${settings.summary}: every search attribute is registered.\n`
            : `Namespace ${settings.namespace} at ${settings.summary}: registered ${added.join(', ')}.\n`,
        );
      } catch (err) {
        if (err instanceof TemporalSetupError) throw new ApiError(1, err.message);
        throw err;
      } finally {
        await client.connection.close();
      }
    });
}

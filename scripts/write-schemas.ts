import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { externalAutomationInputJsonSchema } from '../domain/automations/external';

/**
 * Writes docs/automation-input.schema.json from the zod schema (`npm run schemas`, which formats it too);
 * test/unit/automation-input-schema.test.ts keeps the two equal.
 */
export const AUTOMATION_INPUT_SCHEMA_FILE = path.resolve(
  __dirname,
  '..',
  'docs',
  'automation-input.schema.json',
);

if (require.main === module) {
  writeFileSync(
    AUTOMATION_INPUT_SCHEMA_FILE,
    JSON.stringify(externalAutomationInputJsonSchema(), null, 2) + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), AUTOMATION_INPUT_SCHEMA_FILE)}`);
}

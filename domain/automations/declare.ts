import type { z } from 'zod';

/**
 * The one declaration of an automation, from which everything else derives: the name triggers
 * use, the workflow type the contact workflow starts, and the params schema. The API checks a
 * trigger's `input` with the schema as written (the stored input stays what the author wrote);
 * the workflow parses it again when it runs, defaults filled in, so a changed default applies to
 * existing triggers.
 */
export interface AutomationDeclaration<
  Name extends string = string,
  WorkflowType extends string = string,
  Params extends z.ZodType = z.ZodType,
> {
  name: Name;
  workflowType: WorkflowType;
  /** One line for the docs and the Temporal UI. */
  summary: string;
  params: Params;
}

export function declareAutomation<
  const Name extends string,
  const WorkflowType extends string,
  Params extends z.ZodType,
>(
  declaration: AutomationDeclaration<Name, WorkflowType, Params>,
): AutomationDeclaration<Name, WorkflowType, Params> {
  return declaration;
}

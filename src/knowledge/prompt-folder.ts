import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * A prompt in the teams-ai prompt folder format: `config.json` (schema 1.1, completion settings) and
 * `skprompt.txt` (the template, with `{{$name}}` variables).
 */
const configSchema = z.object({
  schema: z.literal(1.1),
  description: z.string().optional(),
  type: z.literal('completion').optional(),
  completion: z
    .object({
      model: z.string().optional(),
      completion_type: z.enum(['chat', 'text']).optional(),
      include_history: z.boolean().optional(),
      include_input: z.boolean().optional(),
      max_input_tokens: z.number().int().positive().optional(),
      max_tokens: z.number().int().positive().optional(),
      temperature: z.number().min(0).max(2).optional(),
      top_p: z.number().min(0).max(1).optional(),
      presence_penalty: z.number().min(-2).max(2).optional(),
      frequency_penalty: z.number().min(-2).max(2).optional(),
      stop_sequences: z.array(z.string()).optional(),
    })
    .passthrough(),
});

export type PromptConfig = z.infer<typeof configSchema>;

export interface PromptTemplate {
  config: PromptConfig;
  template: string;
  render(variables: Record<string, string>): string;
}

export class PromptError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('prompt_invalid', message, options);
  }
}

export async function loadPromptFolder(dir: string): Promise<PromptTemplate> {
  let rawConfig: string;
  let template: string;
  try {
    [rawConfig, template] = await Promise.all([readFile(join(dir, 'config.json'), 'utf8'), readFile(join(dir, 'skprompt.txt'), 'utf8')]);
  } catch (err) {
    throw new PromptError(`cannot read prompt folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(rawConfig);
  } catch (err) {
    throw new PromptError(`${join(dir, 'config.json')} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PromptError(`${join(dir, 'config.json')}: ${problems}`);
  }
  return {
    config: parsed.data,
    template,
    render: (variables) => renderTemplate(template, variables),
  };
}

/** Replace `{{$name}}` with the variable's value; unknown variables become empty, as in teams-ai. */
export function renderTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(/\{\{\s*\$([A-Za-z_][\w.]*)\s*\}\}/g, (_, name: string) => variables[name] ?? '');
}

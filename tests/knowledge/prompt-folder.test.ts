import { join } from 'node:path';
import { PromptManager } from '@microsoft/teams-ai';
import { describe, expect, it } from 'vitest';
import { loadPromptFolder, renderTemplate } from '../../src/knowledge/prompt-folder.js';
import { tempDir } from './helpers.js';
import { mkdir, writeFile } from 'node:fs/promises';

const PROMPTS = join(import.meta.dirname, '../../prompts');

describe('prompts/answer (teams-ai prompt folder format)', () => {
  it('is accepted by teams-ai’s own PromptManager', async () => {
    const manager = new PromptManager({ promptsFolder: PROMPTS });
    const prompt = await manager.getPrompt('answer');
    expect(prompt.config.schema).toBe(1.1);
    expect(prompt.config.completion.completion_type).toBe('chat');
    expect(prompt.config.completion.temperature).toBe(0);
  });

  it('loads with our reader and fills every variable it uses', async () => {
    const prompt = await loadPromptFolder(join(PROMPTS, 'answer'));
    const used = [...prompt.template.matchAll(/\{\{\s*\$(\w+)\s*\}\}/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(['documents', 'passages']));
    const text = prompt.render({ documents: 'Doc A', passages: '[1] (A — S)\nText' });
    expect(text).toContain('documents: Doc A.');
    expect(text).toContain('[1] (A — S)\nText');
    expect(text).not.toContain('{{');
    expect(renderTemplate('x {{$missing}} y {{ $a }}', { a: '1' })).toBe('x  y 1');
  });

  it('reports a broken config.json clearly', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await mkdir(join(dir, 'bad'));
      await writeFile(join(dir, 'bad', 'config.json'), '{"schema": 2, "completion": {"temperature": 7}}');
      await writeFile(join(dir, 'bad', 'skprompt.txt'), 'hi');
      await expect(loadPromptFolder(join(dir, 'bad'))).rejects.toThrow(/config\.json: schema: Invalid literal value, expected 1\.1; completion\.temperature/);
      await expect(loadPromptFolder(join(dir, 'missing'))).rejects.toMatchObject({ code: 'prompt_invalid' });
    } finally {
      await cleanup();
    }
  });
});

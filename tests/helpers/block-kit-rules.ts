/**
 * Slack's documented Block Kit rules, checked by the fake Web API on every message, ephemeral, update,
 * response_url and view the bot sends, so a payload real Slack would refuse (`invalid_blocks`,
 * `invalid_arguments`) fails in tests too. Limits are those of api.slack.com/reference/block-kit
 * (blocks, block elements, composition objects, views).
 *
 * Each problem is a string `<json pointer>: <what is wrong>`, like the pointers Slack puts in its error's
 * `response_metadata.messages`.
 */

type Json = Record<string, any>;

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  blockId: 255,
  actionId: 255,
  actionsElements: 25,
  contextElements: 10,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  imageAlt: 2000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  plainInputMaxLength: 3000,
  messageText: 40_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

class Problems {
  readonly list: string[] = [];
  add(path: string, what: string): void {
    this.list.push(`${path}: ${what}`);
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textObject(p: Problems, path: string, t: unknown, opts: { max: number; plainOnly?: boolean; required?: boolean }): void {
  if (t === undefined) {
    if (opts.required !== false) p.add(path, 'missing text object');
    return;
  }
  if (!isObject(t)) return p.add(path, 'must be a text object');
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return p.add(`${path}/type`, `must be plain_text or mrkdwn, got ${JSON.stringify(t.type)}`);
  if (opts.plainOnly && t.type !== 'plain_text') p.add(`${path}/type`, 'must be plain_text');
  if (typeof t.text !== 'string') return p.add(`${path}/text`, 'must be a string');
  if (t.text.length < 1) p.add(`${path}/text`, 'must be more than 0 characters');
  if (t.text.length > opts.max) p.add(`${path}/text`, `must be less than ${opts.max + 1} characters (has ${t.text.length})`);
  if (t.type === 'mrkdwn' && 'emoji' in t) p.add(`${path}/emoji`, 'emoji is only allowed on plain_text');
}

function maxString(p: Problems, path: string, v: unknown, max: number, required = false): void {
  if (v === undefined) {
    if (required) p.add(path, 'is required');
    return;
  }
  if (typeof v !== 'string') return p.add(path, 'must be a string');
  if (v.length > max) p.add(path, `must be less than ${max + 1} characters (has ${v.length})`);
  if (required && v.length === 0) p.add(path, 'must not be empty');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function option(p: Problems, path: string, o: unknown): void {
  if (!isObject(o)) return p.add(path, 'must be an option object');
  textObject(p, `${path}/text`, o.text, { max: LIMITS.optionText, plainOnly: true });
  maxString(p, `${path}/value`, o.value, LIMITS.optionValue, true);
}

/** A confirmation dialog object: title, text, confirm and deny buttons. */
function confirmObject(p: Problems, path: string, c: unknown): void {
  if (!isObject(c)) return p.add(path, 'must be a confirmation dialog object');
  textObject(p, `${path}/title`, c.title, { max: LIMITS.confirmTitle, plainOnly: true });
  textObject(p, `${path}/text`, c.text, { max: LIMITS.confirmText });
  textObject(p, `${path}/confirm`, c.confirm, { max: LIMITS.confirmButton, plainOnly: true });
  textObject(p, `${path}/deny`, c.deny, { max: LIMITS.confirmButton, plainOnly: true });
  if (c.style !== undefined && c.style !== 'primary' && c.style !== 'danger') p.add(`${path}/style`, 'must be primary or danger');
}

/** An interactive element (button, select, date picker, inputs); `inInput` allows the input-only elements. */
function element(p: Problems, path: string, e: unknown, where: 'actions' | 'input' | 'accessory'): string | undefined {
  if (!isObject(e)) {
    p.add(path, 'must be an element object');
    return undefined;
  }
  if (e.action_id !== undefined) maxString(p, `${path}/action_id`, e.action_id, LIMITS.actionId);
  if (e.placeholder !== undefined) textObject(p, `${path}/placeholder`, e.placeholder, { max: LIMITS.placeholder, plainOnly: true });
  switch (e.type) {
    case 'button':
      if (where === 'input') p.add(`${path}/type`, 'a button is not allowed in an input block');
      textObject(p, `${path}/text`, e.text, { max: LIMITS.buttonText, plainOnly: true });
      maxString(p, `${path}/value`, e.value, LIMITS.buttonValue);
      maxString(p, `${path}/url`, e.url, LIMITS.url);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') p.add(`${path}/style`, 'must be primary or danger');
      if (e.confirm !== undefined) confirmObject(p, `${path}/confirm`, e.confirm);
      break;
    case 'static_select': {
      const options = e.options;
      if (!Array.isArray(options) || options.length === 0) p.add(`${path}/options`, 'must have at least 1 option');
      else {
        if (options.length > LIMITS.selectOptions) p.add(`${path}/options`, `must have at most ${LIMITS.selectOptions} items`);
        options.forEach((o, i) => option(p, `${path}/options/${i}`, o));
        if (e.initial_option !== undefined) {
          option(p, `${path}/initial_option`, e.initial_option);
          if (!options.some((o: Json) => o?.value === e.initial_option?.value)) p.add(`${path}/initial_option`, 'must match one of the options');
        }
      }
      break;
    }
    case 'datepicker':
      if (e.initial_date !== undefined && (typeof e.initial_date !== 'string' || !ISO_DATE.test(e.initial_date))) {
        p.add(`${path}/initial_date`, 'must be YYYY-MM-DD');
      }
      break;
    case 'number_input':
      if (where !== 'input') p.add(`${path}/type`, 'number_input is only allowed in an input block');
      if (typeof e.is_decimal_allowed !== 'boolean') p.add(`${path}/is_decimal_allowed`, 'is required');
      for (const k of ['initial_value', 'min_value', 'max_value'] as const) {
        if (e[k] !== undefined && (typeof e[k] !== 'string' || !/^-?\d+(\.\d+)?$/.test(e[k]))) p.add(`${path}/${k}`, 'must be a number in a string');
      }
      if (e.initial_value !== undefined && e.is_decimal_allowed === false && !/^-?\d+$/.test(String(e.initial_value))) {
        p.add(`${path}/initial_value`, 'must be a whole number when decimals are not allowed');
      }
      break;
    case 'plain_text_input':
      if (where !== 'input') p.add(`${path}/type`, 'plain_text_input is only allowed in an input block');
      if (e.max_length !== undefined && (typeof e.max_length !== 'number' || e.max_length < 1 || e.max_length > LIMITS.plainInputMaxLength)) {
        p.add(`${path}/max_length`, `must be between 1 and ${LIMITS.plainInputMaxLength}`);
      }
      if (typeof e.initial_value === 'string' && typeof e.max_length === 'number' && e.initial_value.length > e.max_length) {
        p.add(`${path}/initial_value`, 'is longer than max_length');
      }
      break;
    case 'overflow':
    case 'checkboxes':
    case 'radio_buttons':
    case 'timepicker':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'multi_static_select':
      break;
    default:
      p.add(`${path}/type`, `unknown element type ${JSON.stringify(e.type)}`);
  }
  return typeof e.action_id === 'string' ? e.action_id : undefined;
}

function contextElement(p: Problems, path: string, e: unknown): void {
  if (!isObject(e)) return p.add(path, 'must be a text or image object');
  if (e.type === 'image') {
    maxString(p, `${path}/image_url`, e.image_url, LIMITS.url, e.slack_file === undefined);
    maxString(p, `${path}/alt_text`, e.alt_text, LIMITS.imageAlt, true);
    return;
  }
  textObject(p, path, e, { max: LIMITS.fieldText });
}

function richText(p: Problems, path: string, b: Json): void {
  if (!Array.isArray(b.elements) || b.elements.length === 0) return p.add(`${path}/elements`, 'must have at least 1 element');
  b.elements.forEach((el: unknown, i: number) => {
    const at = `${path}/elements/${i}`;
    if (!isObject(el)) return p.add(at, 'must be an object');
    if (!['rich_text_section', 'rich_text_preformatted', 'rich_text_quote', 'rich_text_list'].includes(el.type)) {
      return p.add(`${at}/type`, `unknown rich text element ${JSON.stringify(el.type)}`);
    }
    if (!Array.isArray(el.elements)) return p.add(`${at}/elements`, 'is required');
    el.elements.forEach((leaf: unknown, j: number) => {
      if (isObject(leaf) && leaf.type === 'text' && typeof leaf.text === 'string' && leaf.text.length === 0) {
        p.add(`${at}/elements/${j}/text`, 'must be more than 0 characters');
      }
    });
  });
}

function block(p: Problems, path: string, b: unknown, surface: 'message' | 'modal' | 'home', blockIds: Set<string>): void {
  if (!isObject(b)) return p.add(path, 'must be a block object');
  if (b.block_id !== undefined) {
    maxString(p, `${path}/block_id`, b.block_id, LIMITS.blockId);
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) p.add(`${path}/block_id`, `duplicate block_id ${JSON.stringify(b.block_id)}`);
      blockIds.add(b.block_id);
    }
  }
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) p.add(path, 'a section needs text or fields');
      if (b.text !== undefined) textObject(p, `${path}/text`, b.text, { max: LIMITS.sectionText });
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0) p.add(`${path}/fields`, 'must have at least 1 item');
        else {
          if (b.fields.length > LIMITS.sectionFields) p.add(`${path}/fields`, `must have at most ${LIMITS.sectionFields} items`);
          b.fields.forEach((f: unknown, i: number) => textObject(p, `${path}/fields/${i}`, f, { max: LIMITS.fieldText }));
        }
      }
      if (b.accessory !== undefined) element(p, `${path}/accessory`, b.accessory, 'accessory');
      break;
    }
    case 'header':
      textObject(p, `${path}/text`, b.text, { max: LIMITS.headerText, plainOnly: true });
      break;
    case 'divider':
      break;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0) p.add(`${path}/elements`, 'must have at least 1 element');
      else {
        if (b.elements.length > LIMITS.contextElements) p.add(`${path}/elements`, `must have at most ${LIMITS.contextElements} items`);
        b.elements.forEach((e: unknown, i: number) => contextElement(p, `${path}/elements/${i}`, e));
      }
      break;
    case 'actions': {
      if (!Array.isArray(b.elements) || b.elements.length === 0) {
        p.add(`${path}/elements`, 'must have at least 1 element');
        break;
      }
      if (b.elements.length > LIMITS.actionsElements) p.add(`${path}/elements`, `must have at most ${LIMITS.actionsElements} items`);
      const actionIds = new Set<string>();
      b.elements.forEach((e: unknown, i: number) => {
        const id = element(p, `${path}/elements/${i}`, e, 'actions');
        if (id === undefined) return;
        if (actionIds.has(id)) p.add(`${path}/elements/${i}/action_id`, `duplicate action_id ${JSON.stringify(id)} in the block`);
        actionIds.add(id);
      });
      break;
    }
    case 'image':
      maxString(p, `${path}/image_url`, b.image_url, LIMITS.url, b.slack_file === undefined);
      maxString(p, `${path}/alt_text`, b.alt_text, LIMITS.imageAlt, true);
      if (b.title !== undefined) textObject(p, `${path}/title`, b.title, { max: LIMITS.imageTitle, plainOnly: true });
      break;
    case 'input':
      if (surface === 'home') p.add(`${path}/type`, 'input blocks are not allowed in App Home');
      textObject(p, `${path}/label`, b.label, { max: LIMITS.inputLabel, plainOnly: true });
      if (b.hint !== undefined) textObject(p, `${path}/hint`, b.hint, { max: LIMITS.inputHint, plainOnly: true });
      if (b.element === undefined) p.add(`${path}/element`, 'is required');
      else element(p, `${path}/element`, b.element, 'input');
      if (b.dispatch_action !== undefined && typeof b.dispatch_action !== 'boolean') p.add(`${path}/dispatch_action`, 'must be a boolean');
      break;
    case 'rich_text':
      richText(p, path, b);
      break;
    default:
      p.add(`${path}/type`, `unknown block type ${JSON.stringify(b.type)}`);
  }
}

function blocks(p: Problems, list: unknown, surface: 'message' | 'modal' | 'home', path = '/blocks'): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) return p.add(path, 'must be an array');
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (list.length > max) p.add(path, `must have at most ${max} blocks (has ${list.length})`);
  const ids = new Set<string>();
  list.forEach((b, i) => block(p, `${path}/${i}`, b, surface, ids));
}

/** Problems with a chat message (chat.postMessage, postEphemeral, update, response_url). Empty when valid. */
export function messageProblems(args: Json): string[] {
  const p = new Problems();
  const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
  if (!hasBlocks && (typeof args.text !== 'string' || args.text.trim() === '') && !args.attachments && !args.delete_original) {
    p.add('/text', 'no_text: a message needs text or blocks');
  }
  if (typeof args.text === 'string' && args.text.length > LIMITS.messageText) p.add('/text', `msg_too_long (${args.text.length} characters)`);
  blocks(p, args.blocks, 'message');
  return p.list;
}

/** Problems with a view (views.open, views.update, views.push, views.publish). Empty when valid. */
export function viewProblems(view: unknown): string[] {
  const p = new Problems();
  if (!isObject(view)) {
    p.add('/view', 'must be a view object');
    return p.list;
  }
  if (view.type === 'modal') {
    textObject(p, '/view/title', view.title, { max: LIMITS.viewTitle, plainOnly: true });
    if (view.submit !== undefined) textObject(p, '/view/submit', view.submit, { max: LIMITS.viewButton, plainOnly: true });
    if (view.close !== undefined) textObject(p, '/view/close', view.close, { max: LIMITS.viewButton, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: Json) => b?.type === 'input');
    if (hasInput && view.submit === undefined) p.add('/view/submit', 'a modal with input blocks needs a submit button');
  } else if (view.type !== 'home') {
    p.add('/view/type', 'must be modal or home');
  }
  maxString(p, '/view/callback_id', view.callback_id, LIMITS.callbackId);
  maxString(p, '/view/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  if (!Array.isArray(view.blocks)) p.add('/view/blocks', 'is required');
  else blocks(p, view.blocks, view.type === 'home' ? 'home' : 'modal', '/view/blocks');
  return p.list;
}

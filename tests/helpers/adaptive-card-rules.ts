/**
 * What Teams refuses or cannot show, checked by the fake Bot Connector on every activity the bot sends or
 * updates. The Bot Connector answers 413 for a message over ~28 KB and 400 BadArgument for an attachment it
 * cannot read; a card Teams cannot render (an unknown element, an input without an id, two inputs with one id,
 * a version newer than Teams supports) reaches the person as "This card can't be displayed" — the fake refuses
 * those too, so tests see the defect instead of a person.
 *
 * Each problem is `<path>: <what is wrong>`.
 */

type Json = Record<string, any>;

/** Teams' limit on a bot message (activity JSON), in bytes. */
export const MAX_ACTIVITY_BYTES = 28 * 1024;
/** Newest Adaptive Card schema Teams renders on every client (desktop, web, mobile). */
export const MAX_CARD_VERSION = '1.5';
const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const ELEMENTS = new Set([
  'TextBlock',
  'RichTextBlock',
  'Image',
  'ImageSet',
  'Media',
  'Container',
  'ColumnSet',
  'Column',
  'FactSet',
  'ActionSet',
  'Table',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
]);
const ACTIONS = new Set(['Action.Submit', 'Action.OpenUrl', 'Action.ShowCard', 'Action.ToggleVisibility', 'Action.Execute']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function versionNewer(v: string, than: string): boolean {
  const [a1 = 0, a2 = 0] = v.split('.').map(Number);
  const [b1 = 0, b2 = 0] = than.split('.').map(Number);
  return a1 > b1 || (a1 === b1 && a2 > b2);
}

class Walker {
  readonly problems: string[] = [];
  readonly ids = new Set<string>();

  add(path: string, what: string) {
    this.problems.push(`${path}: ${what}`);
  }

  id(path: string, el: Json, required: boolean) {
    if (el.id === undefined) {
      if (required) this.add(`${path}/id`, `${el.type} needs an id`);
      return;
    }
    if (typeof el.id !== 'string' || el.id === '') return this.add(`${path}/id`, 'must be a non-empty string');
    if (this.ids.has(el.id)) this.add(`${path}/id`, `duplicate id ${JSON.stringify(el.id)}`);
    this.ids.add(el.id);
  }

  elements(path: string, list: unknown) {
    if (list === undefined) return;
    if (!Array.isArray(list)) return this.add(path, 'must be an array');
    list.forEach((el, i) => this.element(`${path}/${i}`, el));
  }

  element(path: string, el: unknown) {
    if (!isObject(el)) return this.add(path, 'must be an element object');
    if (!ELEMENTS.has(el.type)) return this.add(`${path}/type`, `unknown element type ${JSON.stringify(el.type)}`);
    this.id(path, el, el.type.startsWith('Input.'));
    switch (el.type) {
      case 'TextBlock':
        if (typeof el.text !== 'string') this.add(`${path}/text`, 'is required');
        break;
      case 'Image':
        if (typeof el.url !== 'string' || !/^(https:|data:image\/)/.test(el.url)) this.add(`${path}/url`, 'must be an https: or data:image/ URL');
        // Teams' stage view (open the image full size) does not take base64 images: the expand icon never shows.
        else if (isObject(el.msTeams) && el.msTeams.allowExpand === true && el.url.startsWith('data:')) {
          this.add(`${path}/msTeams/allowExpand`, 'stage view does not support base64 (data:) images; Teams shows no expand icon');
        }
        break;
      case 'Container':
      case 'Column':
        this.elements(`${path}/items`, el.items);
        break;
      case 'ColumnSet':
        if (el.columns !== undefined) {
          if (!Array.isArray(el.columns)) this.add(`${path}/columns`, 'must be an array');
          else el.columns.forEach((c: unknown, i: number) => (isObject(c) && c.type === undefined ? this.elements(`${path}/columns/${i}/items`, c.items) : this.element(`${path}/columns/${i}`, c)));
        }
        break;
      case 'FactSet':
        if (!Array.isArray(el.facts)) this.add(`${path}/facts`, 'is required');
        else
          el.facts.forEach((f: unknown, i: number) => {
            if (!isObject(f) || typeof f.title !== 'string' || typeof f.value !== 'string') this.add(`${path}/facts/${i}`, 'needs string title and value');
          });
        break;
      case 'Table':
        if (!Array.isArray(el.rows)) this.add(`${path}/rows`, 'is required');
        else
          el.rows.forEach((r: unknown, i: number) => {
            if (!isObject(r) || r.type !== 'TableRow' || !Array.isArray(r.cells)) return this.add(`${path}/rows/${i}`, 'must be a TableRow with cells');
            r.cells.forEach((c: unknown, j: number) => {
              if (!isObject(c) || c.type !== 'TableCell') return this.add(`${path}/rows/${i}/cells/${j}`, 'must be a TableCell');
              this.elements(`${path}/rows/${i}/cells/${j}/items`, c.items);
            });
          });
        break;
      case 'ActionSet':
        this.actions(`${path}/actions`, el.actions);
        break;
      case 'Input.ChoiceSet':
        if (!Array.isArray(el.choices)) this.add(`${path}/choices`, 'is required');
        else
          el.choices.forEach((c: unknown, i: number) => {
            if (!isObject(c) || typeof c.title !== 'string' || typeof c.value !== 'string') this.add(`${path}/choices/${i}`, 'needs string title and value');
          });
        break;
      case 'Input.Date':
        if (el.value !== undefined && (typeof el.value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(el.value))) this.add(`${path}/value`, 'must be YYYY-MM-DD');
        break;
      case 'Input.Number':
        if (el.value !== undefined && typeof el.value !== 'number') this.add(`${path}/value`, 'must be a number');
        break;
      default:
        break;
    }
  }

  actions(path: string, list: unknown) {
    if (list === undefined) return;
    if (!Array.isArray(list)) return this.add(path, 'must be an array');
    list.forEach((a, i) => {
      const at = `${path}/${i}`;
      if (!isObject(a) || !ACTIONS.has(a.type)) return this.add(`${at}/type`, `unknown action type ${JSON.stringify(a?.type)}`);
      if (a.id !== undefined) this.id(at, a, false);
      if (a.type === 'Action.OpenUrl' && (typeof a.url !== 'string' || !/^https?:/.test(a.url))) this.add(`${at}/url`, 'must be an http(s) URL');
      if (a.type === 'Action.Submit' && a.data !== undefined && !isObject(a.data) && typeof a.data !== 'string') this.add(`${at}/data`, 'must be an object or a string');
      if (a.type === 'Action.ShowCard') this.card(`${at}/card`, a.card, true);
    });
  }

  card(path: string, c: unknown, nested = false) {
    if (!isObject(c)) return this.add(path, 'must be an Adaptive Card object');
    if (c.type !== 'AdaptiveCard') this.add(`${path}/type`, 'must be AdaptiveCard');
    if (!nested) {
      if (typeof c.version !== 'string') this.add(`${path}/version`, 'is required');
      else if (versionNewer(c.version, MAX_CARD_VERSION)) this.add(`${path}/version`, `${c.version} is newer than Teams renders (${MAX_CARD_VERSION})`);
    }
    this.elements(`${path}/body`, c.body);
    this.actions(`${path}/actions`, c.actions);
  }
}

/** Problems with an outgoing activity; `tooLarge` is true when the Bot Connector would answer 413. */
export function activityProblems(activity: unknown, rawBytes: number): { tooLarge: boolean; problems: string[] } {
  if (rawBytes > MAX_ACTIVITY_BYTES) return { tooLarge: true, problems: [`activity is ${rawBytes} bytes; Teams takes at most ${MAX_ACTIVITY_BYTES}`] };
  const w = new Walker();
  if (!isObject(activity)) return { tooLarge: false, problems: ['/: must be an activity object'] };
  if (activity.type !== 'message') return { tooLarge: false, problems: [] };
  const attachments = activity.attachments;
  const hasText = typeof activity.text === 'string' && activity.text.trim() !== '';
  if ((!Array.isArray(attachments) || attachments.length === 0) && !hasText) w.add('/', 'a message needs text or an attachment');
  if (Array.isArray(attachments)) {
    attachments.forEach((a: unknown, i: number) => {
      const at = `/attachments/${i}`;
      if (!isObject(a) || typeof a.contentType !== 'string') return w.add(at, 'needs a contentType');
      if (a.contentType === CARD_CONTENT_TYPE) {
        w.ids.clear(); // ids must be unique within one card
        w.card(`${at}/content`, a.content);
      } else if (a.contentType.startsWith('image/')) {
        // A picture message: PNG, JPEG or GIF by https URL or inline base64 of the same type.
        if (!/^image\/(png|jpeg|gif)$/.test(a.contentType)) w.add(`${at}/contentType`, `Teams shows png, jpeg or gif pictures, not ${a.contentType}`);
        if (typeof a.contentUrl !== 'string' || !(a.contentUrl.startsWith('https:') || a.contentUrl.startsWith(`data:${a.contentType};base64,`))) {
          w.add(`${at}/contentUrl`, `must be an https: URL or data:${a.contentType};base64,…`);
        }
      }
    });
  }
  return { tooLarge: false, problems: w.problems };
}

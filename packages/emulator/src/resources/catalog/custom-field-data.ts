import type { EmulatorState } from "../../context";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { KIND } from "./shared";

type Field = { slug: string; type: string; properties: Record<string, unknown> };
type Attached = { field: Field; required: boolean };

const LOC = ["body", "custom_field_data"];

/** The fields a product asks for at checkout, read fresh from the store. */
function attachedFields(state: EmulatorState, product: Doc): Attached[] {
  return ((product.attached_custom_fields as { custom_field_id: string; required: boolean }[] | undefined) ?? [])
    .map((attachment) => ({
      field: state.store.find(KIND.customField, attachment.custom_field_id) as Field | undefined,
      required: attachment.required,
    }))
    .filter((a): a is Attached => Boolean(a.field));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const quotedChoices = (values: string[]) =>
  values.length > 1
    ? `${values
        .slice(0, -1)
        .map((v) => `'${v}'`)
        .join(", ")} or '${values.at(-1)}'`
    : `'${values[0]}'`;

function asInteger(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function asDate(value: unknown): Date | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The problems of one present value, as pydantic words them for the field's type and properties. */
function valueIssues({ field, required }: Attached, value: unknown): Omit<Issue, "loc">[] {
  const p = field.properties;
  switch (field.type) {
    case "text": {
      if (typeof value !== "string")
        return [{ msg: "Input should be a valid string", type: "string_type", input: value }];
      if (typeof p.min_length === "number" && value.length < p.min_length) {
        return [
          {
            msg: `String should have at least ${plural(p.min_length, "character")}`,
            type: "string_too_short",
            input: value,
          },
        ];
      }
      if (typeof p.max_length === "number" && value.length > p.max_length) {
        return [
          {
            msg: `String should have at most ${plural(p.max_length, "character")}`,
            type: "string_too_long",
            input: value,
          },
        ];
      }
      return [];
    }
    case "number": {
      const number = asInteger(value);
      if (number === undefined) return [{ msg: "Input should be a valid integer", type: "int_type", input: value }];
      if (!Number.isInteger(number)) {
        return [
          {
            msg: "Input should be a valid integer, got a number with a fractional part",
            type: "int_from_float",
            input: value,
          },
        ];
      }
      if (typeof p.ge === "number" && number < p.ge) {
        return [{ msg: `Input should be greater than or equal to ${p.ge}`, type: "greater_than_equal", input: value }];
      }
      if (typeof p.le === "number" && number > p.le) {
        return [{ msg: `Input should be less than or equal to ${p.le}`, type: "less_than_equal", input: value }];
      }
      return [];
    }
    case "date": {
      const date = asDate(value);
      if (!date) return [{ msg: "Input should be a valid datetime", type: "datetime_parsing", input: value }];
      // The bounds are Unix timestamps compared by calendar day.
      if (typeof p.ge === "number" && dayOf(date) < dayOf(new Date(p.ge * 1000))) {
        const bound = dayOf(new Date(p.ge * 1000));
        return [{ msg: `Input should be greater than or equal to ${bound}`, type: "greater_than_equal", input: value }];
      }
      if (typeof p.le === "number" && dayOf(date) > dayOf(new Date(p.le * 1000))) {
        const bound = dayOf(new Date(p.le * 1000));
        return [{ msg: `Input should be less than or equal to ${bound}`, type: "less_than_equal", input: value }];
      }
      return [];
    }
    case "checkbox":
      if (typeof value !== "boolean")
        return [{ msg: "Input should be a valid boolean", type: "bool_type", input: value }];
      // A required checkbox is a consent box: only a tick satisfies it.
      return required && !value ? [{ msg: "Input should be True", type: "literal_error", input: value }] : [];
    case "select": {
      const values = ((p.options as { value: string }[] | undefined) ?? []).map((o) => o.value);
      return values.includes(value as string)
        ? []
        : [{ msg: `Input should be ${quotedChoices(values)}`, type: "literal_error", input: value }];
    }
    default:
      return [];
  }
}

/**
 * Checks checkout `custom_field_data` against the custom fields attached to a product: required
 * fields, each field's type, select options, number and date bounds, text length. Returns the
 * problems as 422 issues located at `body.custom_field_data.<slug>` (empty when the data is valid).
 */
export function validateCustomFieldData(state: EmulatorState, product: Doc, data: unknown): Issue[] {
  const values = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return attachedFields(state, product).flatMap((attached) => {
    const value = values[attached.field.slug];
    const loc = [...LOC, attached.field.slug];
    if (value === undefined || value === null) {
      return attached.required ? [{ loc, msg: "Field required", type: "missing", input: values }] : [];
    }
    return valueIssues(attached, value).map((issue) => ({ loc, ...issue }));
  });
}

/**
 * The `custom_field_data` to store for valid input: one key per attached field (unknown keys
 * dropped), absent values as `null`, an absent checkbox as `false`.
 */
export function customFieldDataOf(state: EmulatorState, product: Doc, data: unknown): Record<string, unknown> {
  const values = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return Object.fromEntries(
    attachedFields(state, product).map(({ field }) => {
      const value = values[field.slug];
      if (value === undefined || value === null) return [field.slug, field.type === "checkbox" ? false : null];
      return [field.slug, field.type === "number" ? asInteger(value) : value];
    }),
  );
}

// bpmn-moddle's main entry ships no types; this is the small part we use.
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    readonly $type: string;
    readonly $attrs: Record<string, string>;
    readonly $parent?: ModdleElement;
    readonly $descriptor?: { name: string; ns: { prefix: string; localName: string } };
    id?: string;
    name?: string;
    [key: string]: unknown;
    $instanceOf(type: string): boolean;
    get(name: string): unknown;
  }

  export interface ModdleReference {
    element: ModdleElement;
    property: string;
    id: string;
  }

  export interface ModdleWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface FromXmlResult {
    rootElement: ModdleElement;
    references: ModdleReference[];
    warnings: ModdleWarning[];
    elementsById: Record<string, ModdleElement>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<FromXmlResult>;
    toXML(element: ModdleElement, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
    getType(type: string): unknown;
  }
}

// The part of js-quantities (the unit tests' conversion oracle) the tests use; it ships no types.
declare module 'js-quantities' {
  interface Quantity {
    readonly scalar: number;
    to(units: string): Quantity;
  }
  function Qty(value: number, units: string): Quantity;
  export default Qty;
}

/** A `T` that the type system keeps apart from other `T`s with another `B`. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

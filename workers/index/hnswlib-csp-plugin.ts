/**
 * Build-time patch making hnswlib-wasm 0.8.2 run under the app's Content Security Policy
 * (`script-src 'self' 'wasm-unsafe-eval'`, no 'unsafe-eval'). Its Emscripten embind glue
 * generates two kinds of functions from strings with `new Function`: call invokers
 * (craftInvokerFunction) and method callers (__emval_get_method_caller, used for the
 * search filter callback). Both are replaced by closures doing the same steps: convert
 * each argument to its wire type, call, run destructors, convert the result back.
 * Invariant: the build fails if the expected code is not found exactly once (a new
 * hnswlib-wasm version must be re-checked, not silently shipped with `new Function`).
 */
import type { Plugin } from 'vite';

const INVOKER_EVAL = 'return newFunc(Function, args1).apply(null, args2);';
const INVOKER_CLOSURE = `return (function (argTypes, isMethod, dynamicDestructors, returns, invoker, fn, humanName) {
        var expected = argTypes.length - 2;
        return function () {
          if (arguments.length !== expected) {
            throwBindingError('function ' + humanName + ' called with ' + arguments.length + ' arguments, expected ' + expected + ' args!');
          }
          var destructors = dynamicDestructors ? [] : null;
          var thisWired = isMethod ? argTypes[1].toWireType(destructors, this) : undefined;
          var wired = [];
          for (var i = 0; i < expected; ++i) wired.push(argTypes[i + 2].toWireType(destructors, arguments[i]));
          var rv = isMethod ? invoker.apply(null, [fn, thisWired].concat(wired)) : invoker.apply(null, [fn].concat(wired));
          if (dynamicDestructors) {
            runDestructors(destructors);
          } else {
            if (isMethod && argTypes[1].destructorFunction !== null) argTypes[1].destructorFunction(thisWired);
            for (var j = 0; j < expected; ++j) {
              if (argTypes[j + 2].destructorFunction !== null) argTypes[j + 2].destructorFunction(wired[j]);
            }
          }
          return returns ? argTypes[0].fromWireType(rv) : undefined;
        };
      })(argTypes, isClassMethodFunc, needsDestructorStack, returns, cppInvokerFunc, cppTargetFunc, humanName);`;

const CALLER_EVAL = 'var invokerFunction = newFunc(Function, params).apply(null, args);';
const CALLER_CLOSURE = `var invokerFunction = (function (retType, argTypes) {
        return function (handle, name, destructors, args) {
          var values = [];
          var offset = 0;
          for (var i = 0; i < argTypes.length; ++i) {
            values.push(argTypes[i].readValueFromPointer(args + offset));
            offset += argTypes[i]['argPackAdvance'];
          }
          var rv = handle[name].apply(handle, values);
          for (var k = 0; k < argTypes.length; ++k) {
            if (argTypes[k]['deleteObject']) argTypes[k].deleteObject(values[k]);
          }
          if (!retType.isVoid) return retType.toWireType(destructors, rv);
        };
      })(retType, types.slice(1));`;

const TARGET = /hnswlib-wasm[\\/]dist[\\/]hnswlib-[0-9a-f]+\.js$/;

/** Returns the glue without string-evaluated code; throws if it does not look as expected. */
export function patchHnswlibGlue(code: string): string {
  for (const needle of [INVOKER_EVAL, CALLER_EVAL]) {
    const count = code.split(needle).length - 1;
    if (count !== 1) throw new Error(`hnswlib-wasm glue: expected "${needle}" once, found ${count}`);
  }
  return code.replace(INVOKER_EVAL, INVOKER_CLOSURE).replace(CALLER_EVAL, CALLER_CLOSURE);
}

export function hnswlibWithoutEval(): Plugin {
  return {
    name: 'memos-offline:hnswlib-without-eval',
    enforce: 'pre',
    transform(code, id) {
      if (!TARGET.test(id.split('?')[0] ?? '')) return null;
      return { code: patchHnswlibGlue(code), map: null };
    },
  };
}

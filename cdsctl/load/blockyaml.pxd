# The C types of blockyaml.py's hot loop, for the compiled build (CDSCTL_COMPILE=1): Cython
# reads this file beside the module; Python never does.
import cython


@cython.locals(i=Py_ssize_t, count=Py_ssize_t, n=Py_ssize_t, j=Py_ssize_t,
               indent=Py_ssize_t, top_indent=Py_ssize_t, pending_indent=Py_ssize_t,
               colon=Py_ssize_t, v=Py_ssize_t, line=str, key=str, pending_key=str,
               c=Py_UCS4, nulls=bint, has_pending=bint, is_list=bint, level=bint, dash=bint,
               nested_lines=bint, line_keys=list,
               root=dict, stack=list)
cpdef tuple _parse(list lines)

cdef Py_ssize_t _key_end(str line, Py_ssize_t j, Py_ssize_t n) except? -2

@cython.locals(c=Py_UCS4, end=Py_ssize_t)
cdef object _value(str line, Py_ssize_t v, Py_ssize_t n)

@cython.locals(j=Py_ssize_t)
cdef object _end_of_line(str line, Py_ssize_t at, Py_ssize_t n)

@cython.locals(c=Py_UCS4, ch=Py_UCS4, n=Py_ssize_t, j=Py_ssize_t, dots=Py_ssize_t,
               dashes=Py_ssize_t, letters=Py_ssize_t, start=Py_ssize_t, whole_end=Py_ssize_t)
cdef object _plain(str text)

@cython.locals(count=Py_ssize_t, margin=Py_ssize_t, n=Py_ssize_t, j=Py_ssize_t, line=str,
               first=str, out=list)
cdef tuple _literal(str header, list lines, Py_ssize_t i, Py_ssize_t indent)

cdef str _new_key(str key)

cdef str _solid(str text)

@cython.locals(close=Py_UCS4, end=Py_ssize_t, inner=str, part=str, key=str, sep=str, value=str)
cdef object _flow(str text)

@cython.locals(parts=list, start=Py_ssize_t, at=Py_ssize_t, count=Py_ssize_t, char=Py_UCS4,
               close=Py_ssize_t, opening=bint)
cdef list _flow_parts(str inner)

@cython.locals(first=Py_UCS4, value=str)
cdef object _flow_scalar(str text)

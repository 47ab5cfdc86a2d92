/** Configuration: conf/tollgate.properties overlaid by TOLLGATE_* environment variables, read once at start. */
package io.tollgate.config;

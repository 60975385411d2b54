package io.chatopshub.alerts;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesBuilderLoader;

/**
 * Lets Camel load {@code *.template.camel.yaml} files, the name that marks a file of route
 * templates. Camel picks a loader by everything after the first dot of a file name and knows
 * {@code camel.yaml}, not {@code template.camel.yaml}; this loader is registered under the bean
 * name Camel looks up for that extension and hands the file to Camel's own YAML loader.
 */
class TemplateRoutesLoader implements RoutesBuilderLoader {

    static final String EXTENSION = "template.camel.yaml";
    /** The registry name Camel's routes loader asks for first. */
    static final String BEAN_NAME = "routes-builder-loader-" + EXTENSION;

    private CamelContext camelContext;
    private YamlRoutesBuilderLoader yaml;

    TemplateRoutesLoader(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public String getSupportedExtension() {
        return EXTENSION;
    }

    @Override
    public synchronized RoutesBuilder loadRoutesBuilder(Resource resource) throws Exception {
        if (yaml == null) {
            yaml = new YamlRoutesBuilderLoader();
            yaml.setCamelContext(camelContext);
            yaml.start();
        }
        return yaml.loadRoutesBuilder(resource);
    }

    @Override
    public void start() {
        // the YAML loader is started on first use, once Camel has finished setting itself up
    }

    @Override
    public synchronized void stop() {
        if (yaml != null) {
            yaml.stop();
            yaml = null;
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}

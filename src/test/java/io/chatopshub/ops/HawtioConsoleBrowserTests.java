package io.chatopshub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An operator's first visit to the console, in a real (headless) Chromium: the login form,
 * Hawtio, the Camel plugin with the hub's routes and a route diagram whose steps count the
 * traffic sent before, and the JMX tree with the hub's own MBeans. Screenshots land in {@code target/hawtio-*.png}.
 */
class HawtioConsoleBrowserTests extends OperatorTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void openBrowser() throws Exception {
        assumeTrue(new File(CHROMIUM).canExecute(), "Chromium is not installed at " + CHROMIUM);
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        profile = Files.createTempDirectory("hawtio-browser-");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorLogsInAndSeesTheHubsRoutesInTheCamelView() throws Exception {
        assertThat(postSlackEvent(eventCallback("Ev0BROWSER1", "{\"type\":\"message\",\"channel\":\"D0BROWSER\","
                + "\"channel_type\":\"im\",\"user\":\"U0ALICE\",\"text\":\"hello\",\"ts\":\"1700000201.000100\","
                + "\"event_ts\":\"1700000201.000100\"}")).statusCode()).isEqualTo(200);
        var wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(baseUrl() + "/actuator/hawtio/");
        wait.until(ExpectedConditions.urlContains("/login"));
        screenshot("login");
        browser.findElement(By.id("username")).sendKeys(OPERATOR);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/actuator/hawtio"));

        browser.get(baseUrl() + "/actuator/hawtio/camel/routes");
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//td[normalize-space()='slack-receive-events']")));
        screenshot("routes");
        assertThat(bodyText())
                .contains("Route Diagram", "slack-receive-events", "slack-handle-events", "slack-receive-commands");

        // a route written out in YAML (steps of routes made from a template are not matched by the
        // diagram: Camel prefixes their ids in the statistics, not in the route it draws)
        browser.findElement(By.xpath("//*[@role='treeitem']//*[normalize-space()='slack-handle-events']")).click();
        wait.until(d -> bodyText().contains("type=routes,name=\"slack-handle-events\""));
        wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//*[self::button or self::a][normalize-space()='Route Diagram']"))).click();
        wait.until(d -> bodyText().contains("Choice"));
        // the event sent above went through this route: a step, not only its start, counts it
        // (Hawtio reads dumpRoutesStatsAsXml)
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[contains(@class,'react-flow__node')]"
                + "[not(contains(normalize-space(.),'From '))]//div[@class='number'][normalize-space()!='0']")));
        screenshot("route-diagram");

        browser.get(baseUrl() + "/actuator/hawtio/jmx");
        wait.until(d -> bodyText().contains("io.chatopshub"));
        screenshot("jmx");
    }

    private String bodyText() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", "hawtio-" + name + ".png"), png);
    }
}

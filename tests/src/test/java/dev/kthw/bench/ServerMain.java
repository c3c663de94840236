package dev.kthw.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kthw.apiserver.ApiServer;

/** An API server alone in its own process, so its memory can be measured apart from the benchmark's. */
final class ServerMain {

    static final ObjectMapper JSON = new ObjectMapper();

    private ServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
        System.out.println("serving " + server.url());
        Thread.currentThread().join();
    }
}
